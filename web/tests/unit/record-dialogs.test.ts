// The desks' record forms with the API mocked: a quarantine site created with its rooms
// typed as ranges, the server's refusal shown in the form and at the field it names, a
// problem caught before sending; the stock editor sends only the lines changed; the
// hospital form refuses beds below those taken; the buttons only for who may write.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { ElFormItem, ElInputNumber } from 'element-plus'
import { ApiError } from '../../src/api/client'
import type { DeliveryPoint, Hospital, Me, NewQuarantineSite, QuarantineSite, SupplyItem } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'
import { session } from '../../src/state/session'

const created: NewQuarantineSite[] = []
const stockSent: SupplyItem[][] = []
let createSiteError: unknown = null
let hospitals: Hospital[] = []

vi.mock('../../src/api', () => ({
  api: {
    children: vi.fn(async () => ({ items: [] })),
  },
  quarantineApi: {
    summary: vi.fn(async () => ({ states: {}, home: 0, centralised: 0, pipeline: { close: [], secondary: [] } })),
    sites: vi.fn(async () => ({ items: [site] })),
    openLoop: vi.fn(async () => ({ items: [] })),
    transfers: vi.fn(async () => ({ items: [] })),
    people: vi.fn(async () => ({ items: [] })),
    createSite: vi.fn(async (s: NewQuarantineSite) => {
      if (createSiteError) throw createSiteError
      created.push(s)
      return { id: 9, ...s }
    }),
  },
  suppliesApi: {
    shortages: vi.fn(async () => ({ items: [] })),
    closures: vi.fn(async () => ({ items: [] })),
    totals: vi.fn(async () => ({ day: '2022-03-10', items: [] })),
    points: vi.fn(async () => ({ items: [point] })),
    orders: vi.fn(async () => ({ items: [] })),
    setStock: vi.fn(async (_id: number, items: SupplyItem[]) => {
      stockSent.push(items)
      return {}
    }),
  },
  hospApi: {
    hospitals: vi.fn(async () => ({ items: hospitals })),
    awaiting: vi.fn(async () => ({ items: [] })),
    forecast: vi.fn(async () => null),
    updateHospital: vi.fn(async () => hospitals[0]),
  },
}))

const QuarantineDeskView = (await import('../../src/views/QuarantineDeskView.vue')).default
const SupplyDeskView = (await import('../../src/views/SupplyDeskView.vue')).default
const QuarantineSiteDialog = (await import('../../src/components/QuarantineSiteDialog.vue')).default
const StockEditor = (await import('../../src/components/StockEditor.vue')).default
const HospitalDialog = (await import('../../src/components/HospitalDialog.vue')).default
const HospitalsView = (await import('../../src/views/HospitalsView.vue')).default

const global = () => ({
  plugins: [createI18n({ legacy: false, locale: 'en', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } }), { install: installElementPlus }],
  // The dialogs render in place; a select's popper does not settle under a stubbed teleport.
  stubs: { teleport: true, ElSelect: true, ElOption: true },
})

function me(permissions: string[]): Me {
  return {
    id: 1,
    username: 'nanguan',
    display_name: 'Nanguan',
    role: 'area_operator',
    area_code: '220102000000',
    permissions,
    area: { code: '220102000000', name: 'Nanguan', level: 'district', parent_code: '220100000000', path: '/220100000000/220102000000/', mode: 'peacetime' },
  }
}

const hospital: Hospital = {
  id: 3,
  name: 'Infectious Diseases Hospital',
  kind: 'designated',
  admits_cases: true,
  district_code: '220102000000',
  beds: { ordinary: 120, severe: 30, icu: 12 },
  occupied: { ordinary: 40, severe: 2, icu: 0 },
  free: { ordinary: 80, severe: 28, icu: 12 },
  awaiting_suggested: 0,
}

const point: DeliveryPoint = {
  id: 4,
  kind: 'small',
  name: 'Gate 3 shelf',
  capacity_per_day: 200,
  area_code: '220102001001',
  address: '',
  active: true,
  serves: ['220102001001001'],
  stock: [
    { item: 'rice-5kg', quantity: 40 },
    { item: 'veg-box-a', quantity: 10 },
  ],
  created_at: null,
}

const site: QuarantineSite = {
  id: 7,
  name: 'Hotel A',
  kind: 'hotel',
  district_code: '220102000000',
  address: '',
  phone: '',
  lon: null,
  lat: null,
  open: true,
  capacity: 0,
  effective_capacity: 22,
  staff: ['site01'],
  rooms: 20,
  beds: 22,
  booked: 5,
  checked_in: 2,
  free_rooms: 15,
}

// The messages the form items carry (Element Plus shows them under the field).
const fieldMessages = (w: ReturnType<typeof mount>) =>
  w
    .findAllComponents(ElFormItem)
    .map((f) => f.props('error') as string | undefined)
    .filter((e): e is string => !!e)

// Opens a dialog the way a view does: mounted closed, then v-model set true.
async function opened<P extends Record<string, unknown>>(component: unknown, props: P) {
  const w = mount(component as never, { props: { modelValue: false, ...props } as never, global: global() })
  await w.setProps({ modelValue: true } as never)
  await flushPromises()
  return w
}

beforeEach(() => {
  created.length = 0
  stockSent.length = 0
  createSiteError = null
  hospitals = [hospital]
  session.me = me(['quarantine.read', 'quarantine.write', 'livelihood.write', 'medical.read', 'medical.write'])
})

describe('QuarantineSiteDialog', () => {
  it("creates a hotel in the account's district with its rooms typed as ranges", async () => {
    const w = await opened(QuarantineSiteDialog, { site: null })
    await w.find('input[data-test=site-name]').setValue('Hotel B')
    await w.find('input[data-test=site-staff]').setValue('site01, site02')
    await w.find('input[data-test=site-rooms]').setValue('101-103, 201')
    expect(w.find('[data-test=site-rooms-preview]').text()).toContain('4 rooms: 101 … 201')
    await w.find('[data-test=site-save]').trigger('click')
    await flushPromises()
    expect(created).toEqual([
      {
        name: 'Hotel B',
        kind: 'hotel',
        district_code: '220102000000',
        capacity: 0,
        staff: ['site01', 'site02'],
        rooms: ['101', '102', '103', '201'].map((number) => ({ number, beds: 1, accessible: false })),
      },
    ])
    expect(w.emitted('saved')).toHaveLength(1)
  })

  it('sends nothing without a name and says so at the field', async () => {
    const w = await opened(QuarantineSiteDialog, { site: null })
    await w.find('[data-test=site-save]').trigger('click')
    await flushPromises()
    expect(created).toEqual([])
    expect(fieldMessages(w)).toEqual(['Required'])
    expect(w.find('.el-form-item.is-error input[data-test=site-name]').exists()).toBe(true)
  })

  it("shows the server's refusal in the form and at the room it names", async () => {
    createSiteError = new ApiError(422, {
      detail: 'rooms[1].beds: beds must be 1–4',
      errors: [{ field: 'rooms[1].beds', message: 'beds must be 1–4' }],
    })
    const w = await opened(QuarantineSiteDialog, { site: null })
    await w.find('input[data-test=site-name]').setValue('Hotel C')
    await w.find('input[data-test=site-rooms]').setValue('101-102')
    await w.find('[data-test=site-save]').trigger('click')
    await flushPromises()
    expect(w.find('[data-test=site-refusal]').text()).toContain('rooms[1].beds: beds must be 1–4')
    expect(fieldMessages(w)).toEqual(['beds must be 1–4'])
    expect(w.emitted('saved')).toBeUndefined()
  })
})

describe('StockEditor', () => {

  it('sends only the lines changed or added, as absolute quantities', async () => {
    const w = await opened(StockEditor, { point })
    w.findAllComponents(ElInputNumber)[1].vm.$emit('update:modelValue', 25)
    await w.find('[data-test=stock-add-line]').trigger('click')
    await w.find('[data-test=stock-row-2] input').setValue('masks')
    w.findAllComponents(ElInputNumber)[2].vm.$emit('update:modelValue', 500)
    await w.find('[data-test=stock-save]').trigger('click')
    await flushPromises()
    expect(stockSent).toEqual([
      [
        { item: 'veg-box-a', quantity: 25 },
        { item: 'masks', quantity: 500 },
      ],
    ])
  })
})

describe('HospitalDialog', () => {
  it('refuses beds below those taken before sending', async () => {
    const w = await opened(HospitalDialog, { hospital })
    w.findAllComponents(ElInputNumber)[0].vm.$emit('update:modelValue', 39)
    await w.find('[data-test=hospital-save]').trigger('click')
    await flushPromises()
    expect(fieldMessages(w)).toEqual(['Not fewer than the 40 beds taken'])
  })
})

describe('HospitalsView', () => {
  it('offers adding and editing hospitals to medical.write only', async () => {
    const w = mount(HospitalsView, { global: global() })
    await flushPromises()
    expect(w.find('[data-test=hospital-new]').exists()).toBe(true)
    expect(w.findAll('[data-test=hospital-edit]')).toHaveLength(1)
    session.me = me(['medical.read'])
    await flushPromises()
    expect(w.find('[data-test=hospital-new]').exists()).toBe(false)
    expect(w.findAll('[data-test=hospital-edit]')).toHaveLength(0)
  })
})

describe('the desks', () => {
  it('offer the site and room forms to quarantine.write only', async () => {
    const w = mount(QuarantineDeskView, { global: global() })
    await flushPromises()
    expect(w.find('[data-test=site-new]').exists()).toBe(true)
    expect(w.findAll('[data-test=site-edit]')).toHaveLength(1)
    expect(w.findAll('[data-test=site-rooms]')).toHaveLength(1)
    session.me = me(['quarantine.read'])
    await flushPromises()
    expect(w.find('[data-test=site-new]').exists()).toBe(false)
    expect(w.findAll('[data-test=site-edit]')).toHaveLength(0)
  })

  it('offer the point and stock forms to livelihood.write only', async () => {
    const w = mount(SupplyDeskView, { global: global() })
    await flushPromises()
    expect(w.find('[data-test=point-new]').exists()).toBe(true)
    expect(w.findAll('[data-test=point-edit]')).toHaveLength(1)
    expect(w.findAll('[data-test=point-stock]')).toHaveLength(1)
    session.me = me(['livelihood.read', 'livelihood.close'])
    await flushPromises()
    expect(w.find('[data-test=point-new]').exists()).toBe(false)
    expect(w.findAll('[data-test=point-stock]')).toHaveLength(0)
  })
})
