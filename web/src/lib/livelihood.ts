// Return home (返乡) and relief (困难群众救助) on the console (docs/livelihood.md): which
// steps an application may take next, and what each step must be given. The server
// refuses anything else with the reason; the page offers only these.
export type ReturnState =
  | 'applied' | 'reviewed' | 'reported' | 'confirmed' | 'released' | 'departed' | 'arrived'
  | 'rejected' | 'declined' | 'cancelled'
export type ReturnAction = 'review' | 'reject' | 'report' | 'confirm' | 'decline' | 'release' | 'depart' | 'arrive' | 'cancel'
export type ReliefState = 'applied' | 'approved' | 'paid' | 'rejected'
export type ReliefAction = 'approve' | 'pay' | 'reject'

/** What a step must be given besides the click: nothing, a reason, the transport or who received. */
export type StepInput = 'none' | 'reason' | 'transport' | 'received_by' | 'payment_ref'

export interface Step<A> {
  action: A
  input: StepInput
}

const RETURN_STEPS: Record<ReturnState, Step<ReturnAction>[]> = {
  applied: [{ action: 'review', input: 'none' }, { action: 'reject', input: 'reason' }, { action: 'cancel', input: 'reason' }],
  reviewed: [{ action: 'report', input: 'none' }, { action: 'cancel', input: 'reason' }],
  reported: [{ action: 'confirm', input: 'none' }, { action: 'decline', input: 'reason' }, { action: 'cancel', input: 'reason' }],
  confirmed: [{ action: 'release', input: 'transport' }, { action: 'cancel', input: 'reason' }],
  released: [{ action: 'depart', input: 'none' }, { action: 'cancel', input: 'reason' }],
  departed: [{ action: 'arrive', input: 'received_by' }],
  arrived: [],
  rejected: [],
  declined: [],
  cancelled: [],
}

/** The steps an application in `state` may take (the closed loop's next stage first). */
export function returnSteps(state: ReturnState): Step<ReturnAction>[] {
  return RETURN_STEPS[state] ?? []
}

/** The steps a relief application in `state` may take. */
export function reliefSteps(state: ReliefState): Step<ReliefAction>[] {
  if (state === 'applied') return [{ action: 'approve', input: 'none' }, { action: 'reject', input: 'reason' }]
  if (state === 'approved') return [{ action: 'pay', input: 'payment_ref' }]
  return []
}

/** Fen as yuan with two decimals ("1,000.00"). */
export function yuan(fen: number, locale: string): string {
  return (fen / 100).toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}
