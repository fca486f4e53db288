// A worker's answers to a quiz, by question id: the type the Rust side names `Answers`
// (an alias there, so the generated bindings spell it out where it is used).
import type { SessionAttempt } from './bindings'

export type Answers = SessionAttempt['answers']
