// Stand-ins for component tests: an Api that answers only what a test gives it (any other
// call fails the test, naming the command), and the context to mount a component with.
import type { Api } from './api'
import type { DeviceStatus } from './bindings'
import { contextWith } from './context'
import { DeviceState } from './device.svelte'

/** An Api whose commands are the given ones; calling any other throws. */
export function standInApi(commands: Partial<Api>): Api {
  return new Proxy(commands, {
    get(given, name: string) {
      if (name in given) return given[name as keyof Api]
      return () => {
        throw new Error(`the test gave no stand-in for api.${name}`)
      }
    },
  }) as Api
}

/** The context to render a component with, over a stand-in Api. */
export function standInContext(api: Api): { context: Map<symbol, unknown>; device: DeviceState } {
  const device = new DeviceState(api)
  return { context: contextWith(api, device), device }
}

/** A device's status for a test: not set up, nobody signed in, unless `given` says so. */
export function deviceStatus(given: Partial<DeviceStatus> = {}): DeviceStatus {
  return {
    device_id: '0193a000-0000-7000-8000-0000000000d1',
    organization: null,
    default_calling_code: null,
    pending_changes: 0,
    rejected_changes: 0,
    server_url: null,
    signed_in: false,
    last_sync_at: null,
    suggested_server_url: null,
    automatic_sign_in_as: null,
    wiped_at: null,
    online: null,
    last_sync_error: null,
    people: [],
    working: null,
    locked: false,
    unlock_tries: 5,
    lock_after_seconds: 600,
    ...given,
  }
}
