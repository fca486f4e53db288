// Search as you type: waits for a pause in typing, and only the answer to the latest
// question is shown (an older, slower answer never overwrites a newer one).

export function latestOnly<Q, R>(
  fetch: (query: Q) => Promise<R>,
  show: (result: R, query: Q) => void,
  fail: (error: unknown) => void,
  delayMs = 120,
): (query: Q) => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let asked = 0
  return (query: Q) => {
    clearTimeout(timer)
    const ticket = ++asked
    timer = setTimeout(async () => {
      try {
        const result = await fetch(query)
        if (ticket === asked) show(result, query)
      } catch (error) {
        if (ticket === asked) fail(error)
      }
    }, delayMs)
  }
}
