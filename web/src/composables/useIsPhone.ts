// True on narrow screens (phones at a compound gate): the tree becomes a drawer and
// tables become cards.
import { onBeforeUnmount, ref, type Ref } from 'vue'

export const PHONE_QUERY = '(max-width: 767px)'

export function useIsPhone(): Ref<boolean> {
  const mq = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(PHONE_QUERY) : null
  const isPhone = ref(mq?.matches ?? false)
  const update = (e: MediaQueryListEvent) => (isPhone.value = e.matches)
  mq?.addEventListener('change', update)
  onBeforeUnmount(() => mq?.removeEventListener('change', update))
  return isPhone
}
