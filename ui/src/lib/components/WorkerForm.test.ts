import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { AppError, Worker, WorkerInput } from '../bindings'
import { en } from '../messages'
import WorkerForm from './WorkerForm.svelte'

const saved: Worker = {
  id: '0193a000-0000-7000-8000-000000000001',
  organization_id: '0193a000-0000-7000-8000-00000000000a',
  full_name: 'Amina Wanjiru',
  phone_number: '+254712345678',
  well_being_score: null,
  performance_metric: null,
  custom_attributes: { site: 'Kisumu' },
  created_at: '2026-11-22T03:39:00.000Z',
  updated_at: '2026-11-22T03:39:00.000Z',
}

describe('the worker form', () => {
  it('sends what was typed and reports the saved worker', async () => {
    const save = vi.fn(async (_: WorkerInput) => saved)
    const onSaved = vi.fn()
    render(WorkerForm, { props: { save, onSaved, onCancel: () => {} } })
    await fireEvent.input(screen.getByLabelText(en.enroll.fullName), { target: { value: 'Amina Wanjiru' } })
    await fireEvent.input(screen.getByLabelText(en.enroll.site), { target: { value: 'Kisumu' } })
    await fireEvent.click(screen.getByRole('button', { name: en.enroll.save }))
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved))
    expect(save.mock.calls[0][0]).toMatchObject({ full_name: 'Amina Wanjiru', custom_attributes: { site: 'Kisumu' } })
  })

  it('marks every invalid field inline and keeps what was typed', async () => {
    const refusal: AppError = {
      code: 'invalid_input',
      message: 'full_name: must not be empty; phone_number: needs its country code',
      fields: [
        { field: 'full_name', problem: 'empty' },
        { field: 'phone_number', problem: 'phone_needs_country_code', value: '0712' },
      ],
    }
    const onSaved = vi.fn()
    render(WorkerForm, { props: { save: () => Promise.reject(refusal), onSaved, onCancel: () => {} } })
    const phone = screen.getByLabelText(en.enroll.phone, { exact: false }) as HTMLInputElement
    await fireEvent.input(phone, { target: { value: '0712' } })
    await fireEvent.click(screen.getByRole('button', { name: en.enroll.save }))
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', en.errors.invalid_input)
    expect(screen.getByText(en.problems.empty({ problem: 'empty' }))).toBeTruthy()
    expect(screen.getByText(en.problems.phone_needs_country_code({ problem: 'phone_needs_country_code', value: '0712' }))).toBeTruthy()
    expect(phone.value).toBe('0712')
    expect(phone.getAttribute('aria-invalid')).toBe('true')
    expect(onSaved).not.toHaveBeenCalled()
  })

  it('starts from the worker being edited', () => {
    render(WorkerForm, { props: { worker: saved, save: async () => saved, onSaved: () => {}, onCancel: () => {} } })
    expect((screen.getByLabelText(en.enroll.fullName) as HTMLInputElement).value).toBe('Amina Wanjiru')
    expect((screen.getByLabelText(en.enroll.site) as HTMLInputElement).value).toBe('Kisumu')
  })
})

describe('the duplicate warning', () => {
  it('shows who may be the same person and saves only when told to', async () => {
    const save = vi.fn(async (_: WorkerInput) => saved)
    const findDuplicates = vi.fn(async () => [{ worker: saved, reasons: ['same_phone' as const, 'similar_name' as const] }])
    const onSaved = vi.fn()
    render(WorkerForm, { props: { save, findDuplicates, onSaved, onCancel: () => {} } })
    await fireEvent.input(screen.getByLabelText(en.enroll.fullName), { target: { value: 'Amina Wanjru' } })
    await fireEvent.click(screen.getByRole('button', { name: en.enroll.save }))
    const warning = await screen.findByTestId('duplicates')
    expect(warning.textContent).toContain('Amina Wanjiru')
    expect(warning.textContent).toContain(en.enroll.reasons.same_phone)
    expect(save).not.toHaveBeenCalled()
    await fireEvent.click(screen.getByRole('button', { name: en.enroll.saveAnyway }))
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved))
    expect(save).toHaveBeenCalledTimes(1)
  })

  it('is not asked when editing an existing worker', async () => {
    const findDuplicates = vi.fn(async () => [])
    const save = vi.fn(async (_: WorkerInput) => saved)
    render(WorkerForm, { props: { worker: saved, save, findDuplicates, onSaved: () => {}, onCancel: () => {} } })
    await fireEvent.click(screen.getByRole('button', { name: en.enroll.save }))
    await vi.waitFor(() => expect(save).toHaveBeenCalled())
    expect(findDuplicates).not.toHaveBeenCalled()
  })
})
