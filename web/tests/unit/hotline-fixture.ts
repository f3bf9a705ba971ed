// A hotline request as the API answers it, for the console's unit tests: a water
// request dispatched at T0 (high priority); `over` changes any field.
import type { HotlineRequest } from '../../src/api/types'

export const H = 3600_000
export const T0 = Date.parse('2022-03-10T10:00:00+08:00')
export const iso = (ms: number) => new Date(ms).toISOString()

export function hotlineRequest(over: Partial<HotlineRequest> = {}): HotlineRequest {
  return {
    id: 1,
    number: '20220310-1',
    channel: 'phone',
    caller_name: '张*',
    phone: '139****5678',
    enterprise: null,
    text: '停水三天',
    address_text: '',
    area: { code: null, path: '', community_code: null, confidence: 0, notes: '' },
    category: 'utilities.water',
    category_name: '供水',
    suggestions: [],
    overridden: false,
    department: 'water',
    department_name: '市供水集团',
    priority: 'high',
    green_channel: false,
    wartime: false,
    status: 'dispatched',
    received_at: iso(T0),
    dispatched_at: iso(T0),
    responded_at: null,
    resolved_at: null,
    closed_at: null,
    respond_by: iso(T0 + 4 * H),
    handle_by: iso(T0 + 72 * H),
    callback_by: null,
    overdue: [],
    reminded: [],
    escalation: 0,
    satisfaction: null,
    solved: null,
    reopen_count: 0,
    return_count: 0,
    callback_attempts: 0,
    urge_count: 0,
    merged_into: null,
    group_id: null,
    resolution: null,
    callback_note: null,
    created_by: 'hotline',
    updated_at: iso(T0),
    ...over,
  }
}
