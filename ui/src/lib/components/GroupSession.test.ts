import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { ProgramOutline, QuizVersionView, RosterEntry, TouchpointId } from '../bindings'
import { en } from '../messages'
import { standInApi, standInContext } from '../testing'
import GroupSession from './GroupSession.svelte'

const reading = 'a0000000-0000-7000-8000-000000000001' as TouchpointId
const quizTouchpoint = 'a0000000-0000-7000-8000-000000000002' as TouchpointId

const program: ProgramOutline = {
  id: 'b0000000-0000-7000-8000-000000000001' as ProgramOutline['id'],
  name: 'Heat safety',
  active_enrollments: 1,
  journeys: [
    {
      title: 'Summer',
      phases: [
        {
          name: 'Week 1',
          touchpoints: [
            { id: reading, title: 'Drink water', content_type: 'text' },
            { id: quizTouchpoint, title: 'Safety check', content_type: 'quiz' },
          ],
        },
      ],
    },
  ],
}

const roster: RosterEntry[] = [
  {
    assignment_id: 'c0000000-0000-7000-8000-000000000001' as RosterEntry['assignment_id'],
    worker_id: 'd0000000-0000-7000-8000-000000000001' as RosterEntry['worker_id'],
    name: 'Amina',
    phone: null,
  },
]

const safetyQuiz: QuizVersionView = {
  id: 'e0000000-0000-7000-8000-000000000001' as QuizVersionView['id'],
  version_number: 1,
  definition: { pass_mark: 50, questions: [{ id: 'q1', prompt: 'Shade helps', points: 1, kind: 'true_false', correct: true }] },
}

describe('group session', () => {
  it('keeps the quiz of the touchpoint chosen when the first touchpoint answers late', async () => {
    let answerFirst: (quiz: QuizVersionView | null) => void = () => {}
    const api = standInApi({
      programs: async () => [program],
      programRoster: async () => roster,
      sessionsOfToday: async () => [],
      touchpointQuiz: (touchpoint: TouchpointId) =>
        touchpoint === reading
          ? new Promise<QuizVersionView | null>((resolve) => (answerFirst = resolve))
          : Promise.resolve(safetyQuiz),
    })
    render(GroupSession, { props: { onBack: () => {} }, context: standInContext(api).context })
    const touchpoint = (await screen.findByRole('combobox', { name: en.groupSession.touchpoint })) as HTMLSelectElement
    await fireEvent.change(touchpoint, { target: { value: quizTouchpoint } })
    await screen.findByRole('button', { name: en.quiz.handOver })
    answerFirst(null)
    await new Promise((settle) => setTimeout(settle, 0))
    expect(screen.queryByRole('button', { name: en.quiz.handOver })).toBeTruthy()
  })
})
