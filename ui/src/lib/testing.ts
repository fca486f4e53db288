// Stand-ins for component tests: an Api that answers only what a test gives it (any other
// call fails the test, naming the command), and the context to mount a component with.
import type { Api } from './api'
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
