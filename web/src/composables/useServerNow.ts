// The server's clock as a ref that ticks (every second by default) while the component
// lives: live countdowns to deadlines the server set (the demo's clock runs days behind).
import { onBeforeUnmount, ref, type Ref } from 'vue'
import { loadServerToday, serverNow } from '../state/clock'

export function useServerNow(intervalMs = 1000): Ref<number> {
  const now = ref(serverNow())
  void loadServerToday().then(() => (now.value = serverNow()))
  const timer = setInterval(() => (now.value = serverNow()), intervalMs)
  onBeforeUnmount(() => clearInterval(timer))
  return now
}
