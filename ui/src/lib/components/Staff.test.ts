import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { IssuedSetUpCode, Staff as StaffList, StaffMember, StaffUpdate } from '../bindings'
import { en } from '../messages'
import { standInApi, standInContext } from '../testing'
import Staff from './Staff.svelte'

let made = 0
const member = (email: string, role: StaffMember['role'], extra: Partial<StaffMember> = {}): StaffMember => ({
  user_id: `00000000-0000-7000-8000-${(++made).toString().padStart(12, '0')}`,
  email,
  display_name: email.split('@')[0],
  role,
  deactivated_at: null,
  last_seen_at: null,
  devices: [],
  set_up_pending: false,
  scope: { sites: [], segments: [], programs: [] },
  ...extra,
})

const ruth = member('ruth@lakeside.example', 'org_admin', {
  devices: [{ device_id: '00000000-0000-7000-8000-000000000001', name: 'Office laptop', last_seen_at: '2026-12-01T08:00:00.000Z', revoked: false }],
  last_seen_at: '2026-12-01T08:00:00.000Z',
})
const cora = member('cora@lakeside.example', 'coordinator')

function withStaff(members: StaffMember[]): StaffList {
  return { members, active: members.filter((m) => m.deactivated_at === null).length, limit: 100 }
}

const emailField = () => document.querySelector('input[name=staff_email]') as HTMLInputElement

describe('staff', () => {
  it('lists each member with their role, devices and when they were last seen', async () => {
    const staff = vi.fn(async () => withStaff([ruth, cora]))
    render(Staff, { context: standInContext(standInApi({ staff })).context })
    const rows = await screen.findAllByTestId('staff-row')
    expect(rows.map((row) => row.getAttribute('data-email'))).toEqual(['ruth@lakeside.example', 'cora@lakeside.example'])
    expect(within(rows[0]).getByText('Office laptop')).toBeTruthy()
    expect(within(rows[1]).getByText(en.staff.noDevices)).toBeTruthy()
    expect(within(rows[1]).getByText(en.staff.never)).toBeTruthy()
    expect(screen.getByTestId('staff-count').textContent).toBe(en.staff.count(2, 100))
  })

  it('shows a new member’s set-up code once, and their problems by field', async () => {
    const issued: IssuedSetUpCode = { member: member('nia@lakeside.example', 'coordinator', { set_up_pending: true }), code: 'ABCD-EFGH-JKMN', expires_at: '2026-12-08T08:00:00.000Z' }
    let members = [ruth]
    const staff = vi.fn(async () => withStaff(members))
    const addStaffMember = vi
      .fn()
      .mockRejectedValueOnce({ code: 'invalid_input', message: 'email: …', fields: [{ field: 'email', problem: 'not_email', value: 'nia@' }] })
      .mockImplementationOnce(async () => {
        members = [ruth, issued.member]
        return issued
      })
    render(Staff, { context: standInContext(standInApi({ staff, addStaffMember })).context })
    await screen.findAllByTestId('staff-row')
    await fireEvent.input(emailField(), { target: { value: 'nia@' } })
    await fireEvent.submit(screen.getByTestId('add-staff'))
    await screen.findByText('“nia@” is not an email address')
    expect(screen.queryByTestId('issued-code')).toBeNull()
    await fireEvent.input(emailField(), { target: { value: 'nia@lakeside.example' } })
    await fireEvent.submit(screen.getByTestId('add-staff'))
    expect((await screen.findByTestId('set-up-code')).textContent).toBe('ABCD-EFGH-JKMN')
    expect(await screen.findByText(en.staff.setUpPending)).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: en.staff.codeNoted }))
    expect(screen.queryByTestId('set-up-code')).toBeNull()
  })

  it('says why the server refused a change, and shows what it kept', async () => {
    const staff = vi.fn(async () => withStaff([ruth, cora]))
    const updateStaffMember = vi.fn(async (_user: string, _update: StaffUpdate): Promise<StaffMember> => {
      throw { code: 'last_administrator', message: 'the organization needs an active administrator', fields: [] }
    })
    render(Staff, { context: standInContext(standInApi({ staff, updateStaffMember })).context })
    const select = (await screen.findByLabelText(en.staff.roleOf('ruth'))) as HTMLSelectElement
    await fireEvent.change(select, { target: { value: 'coordinator' } })
    expect(updateStaffMember).toHaveBeenCalledWith(ruth.user_id, { role: 'coordinator', display_name: null, active: null, scope: null })
    const alert = await screen.findByRole('alert')
    expect(alert.getAttribute('data-code')).toBe('last_administrator')
    await vi.waitFor(() => expect(staff).toHaveBeenCalledTimes(2))
    expect(((await screen.findByLabelText(en.staff.roleOf('ruth'))) as HTMLSelectElement).value).toBe('org_admin')
  })

  it('gives a coordinator a sync scope of sites, segments and programs, and says what the server refused', async () => {
    const program = { id: '00000000-0000-7000-8000-0000000000a1', name: 'Safety first' }
    const segment = { id: '00000000-0000-7000-8000-0000000000b1', name: 'Night shift', listed: true }
    const byRule = { id: '00000000-0000-7000-8000-0000000000b2', name: 'Kisumu site', listed: false }
    let members = [ruth, cora]
    const staff = vi.fn(async () => withStaff(members))
    const updateStaffMember = vi
      .fn()
      .mockRejectedValueOnce({ code: 'invalid_request', message: 'scope: segment … is defined by a rule', fields: [] })
      .mockImplementationOnce(async (_user: string, update: StaffUpdate) => {
        const scoped = { ...cora, scope: update.scope! }
        members = [ruth, scoped]
        return scoped
      })
    const api = standInApi({ staff, updateStaffMember, segmentNames: async () => [segment, byRule], programChoices: async () => [program] })
    render(Staff, { context: standInContext(api).context })
    const rows = await screen.findAllByTestId('staff-row')
    expect(within(rows[0]).getByTestId('scope-summary').textContent).toBe(en.staff.everyone)
    expect(within(rows[0]).queryByTestId('edit-scope')).toBeNull()
    expect(within(rows[1]).getByTestId('scope-summary').textContent).toBe(en.staff.wholeOrganization)
    await fireEvent.click(within(rows[1]).getByTestId('edit-scope'))
    const form = await screen.findByTestId('scope-form')
    await fireEvent.input(form.querySelector('input[name=scope_sites]')!, { target: { value: ' Kisumu, , Kericho ' } })
    await fireEvent.click(await within(form).findByLabelText(segment.name))
    await fireEvent.click(within(form).getByLabelText(program.name))
    expect(within(form).queryByLabelText(byRule.name)).toBeNull()
    await fireEvent.submit(form)
    const scope = { sites: ['Kisumu', 'Kericho'], segments: [segment.id], programs: [program.id] }
    expect(updateStaffMember).toHaveBeenCalledWith(cora.user_id, { role: null, display_name: null, active: null, scope })
    expect((await screen.findByRole('alert')).getAttribute('data-code')).toBe('invalid_request')
    // The form stays, as typed, for another try.
    await fireEvent.click(within(screen.getByTestId('scope-form')).getByLabelText(segment.name))
    await fireEvent.submit(screen.getByTestId('scope-form'))
    const summary = en.staff.scopeSummary({ ...scope, segments: [] })
    await vi.waitFor(() => expect(screen.getAllByTestId('scope-summary')[1].textContent).toBe(summary))
    expect(screen.queryByTestId('scope-form')).toBeNull()
  })
})
