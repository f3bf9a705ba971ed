// The districts the logged-in account may register a quarantine site or a hospital in
// (lib/forms.ts districtsFor): its own district, or a city's districts (loaded once per
// dialog opening); none below district level. `loadFor(form)` loads them and picks the
// district for a new record when there is only one.
import { ref, type Ref } from 'vue'
import { api } from '../api'
import { districtsFor } from '../lib/forms'
import { session } from '../state/session'

export function useDistricts(): {
  districts: Ref<{ code: string; name: string }[]>
  load: () => Promise<void>
  loadFor: (form: Ref<{ district_code: string }>) => Promise<void>
} {
  const districts = ref<{ code: string; name: string }[]>([])
  async function load(): Promise<void> {
    const mine = session.me?.area
    if (!mine) {
      districts.value = []
      return
    }
    const children = mine.level === 'city' ? (await api.children(mine.code)).items : []
    districts.value = districtsFor(mine, children)
  }
  async function loadFor(form: Ref<{ district_code: string }>): Promise<void> {
    await load()
    if (!form.value.district_code && districts.value.length === 1) form.value.district_code = districts.value[0].code
  }
  return { districts, load, loadFor }
}
