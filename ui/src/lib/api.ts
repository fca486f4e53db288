// The only module that talks to Tauri. The calls and listeners are generated from the
// Rust declarations (bindings.ts); this module sends them over Tauri's IPC, and turns
// every failure into an AppError ({code, message, fields}). Components never import it:
// they get the Api from their context (context.ts), so a component test can hand them
// another.
import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import { commands, events, type Invoke, type Listen } from './bindings'
import { asAppError } from './app-error'

export type * from './bindings'

// Told when a command is refused because the app locked itself (idle too long).
const whenLocked = new Set<() => void>()

const call: Invoke = async <T>(command: string, args?: Record<string, unknown>): Promise<T> => {
  try {
    return await invoke<T>(command, args)
  } catch (error) {
    const failure = asAppError(error)
    if (failure.code === 'locked') whenLocked.forEach((tell) => tell())
    throw failure
  }
}

/** Calls `handler` whenever a command is refused with `locked`; returns its remover. */
function onLocked(handler: () => void): () => void {
  whenLocked.add(handler)
  return () => whenLocked.delete(handler)
}

const listenTo: Listen = <T>(event: string, handler: (payload: T) => void) =>
  listen<T>(event, (message) => handler(message.payload))

/** Every command and event of the app, over Tauri. */
export const tauriApi = { ...commands(call), ...events(listenTo), onLocked }

/** What the window can ask of Rust: the shape a component test's stand-in has too. */
export type Api = typeof tauriApi
