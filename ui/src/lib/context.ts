// How components reach Rust and the device's state: from their Svelte context, set once
// at the root (main.ts), so a component test can give them stand-ins (contextWith).
import { getContext } from 'svelte'
import type { Api } from './api'
import type { DeviceState } from './device.svelte'

const API = Symbol('api')
const DEVICE = Symbol('device')

/** The context a root component (or a component under test) is mounted with. */
export function contextWith(api: Api, device: DeviceState): Map<symbol, unknown> {
  return new Map<symbol, unknown>([
    [API, api],
    [DEVICE, device],
  ])
}

function required<T>(key: symbol, what: string): T {
  const value = getContext<T | undefined>(key)
  if (value === undefined) throw new Error(`no ${what} in this component's context: mount it with contextWith()`)
  return value
}

/** The commands and events of the app. */
export const useApi = (): Api => required<Api>(API, 'api')

/** The device's status, account and changes. */
export const useDevice = (): DeviceState => required<DeviceState>(DEVICE, 'device state')
