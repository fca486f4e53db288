// What the window knows of the device, in one place: its status, the signed-in account,
// and a count of the changes made on it. A screen that shows stored data reads again
// when `changes` moves (a save here, or a sync that brought rows); one that follows only
// the server reads again when `lastSyncAt` moves.
import type { Account, AppError, DeviceStatus } from './bindings'
import type { Api } from './api'
import { asAppError } from './app-error'

export class DeviceState {
  status: DeviceStatus | null = $state(null)
  account: Account | null = $state(null)
  /** Why the device's status could not be read, if it could not. */
  error: AppError | null = $state(null)
  /** Moves after every change on the device, made here or brought by a sync. */
  changes = $state(0)
  /** When the device last synced: moves with every sync that finished, and only then
   *  (a derived value, so a status read again with the same time wakes nobody). */
  lastSyncAt: string = $derived(this.status?.last_sync_at ?? '')

  readonly #api: Api

  constructor(api: Api) {
    this.#api = api
  }


  /** Reads the device's status and account again. */
  async refresh(): Promise<void> {
    try {
      this.status = await this.#api.deviceStatus()
      this.account = this.status.organization && !this.status.locked ? await this.#api.account() : null
      this.error = null
    } catch (failure) {
      this.error = asAppError(failure)
    }
  }

  /** Something on the device changed (a save, a delete, a sync): every screen reads again. */
  async changed(): Promise<void> {
    await this.refresh()
    this.changes += 1
  }
}
