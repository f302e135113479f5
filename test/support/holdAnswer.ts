import type { Page, Route } from 'playwright-core';

export interface HeldAnswer {
  /** Resolves once the request is held (and, with `answeredFirst`, the server has answered it). */
  held: Promise<void>;
  /** Lets the held request go on and waits until it has been delivered to the page. */
  release(): Promise<void>;
  /** release(), then stops intercepting: call it in `finally`. */
  done(): Promise<void>;
}

/**
 * Holds back the first request to `url` that `matches` picks (by its body), as a slow network would,
 * until release(). With `answeredFirst`, the real server answers at once and only the delivery waits
 * (an answer computed before a logout, arriving after it); without, the request reaches the server late.
 * Tests wait on `held` and on release(), never on time.
 */
export async function holdAnswer(page: Page, url: string, opts: { matches?: (body: string) => boolean; answeredFirst?: boolean } = {}): Promise<HeldAnswer> {
  let letGo!: () => void;
  const released = new Promise<void>((resolve) => (letGo = resolve));
  let markHeld!: () => void;
  const held = new Promise<void>((resolve) => (markHeld = resolve));
  let delivered: Promise<void> = Promise.resolve();
  let taken = false;
  const handler = (route: Route) => {
    if (taken || (opts.matches && !opts.matches(route.request().postData() ?? ''))) return route.continue();
    taken = true;
    delivered = opts.answeredFirst
      ? route.fetch().then(async (response) => {
          markHeld();
          await released;
          await route.fulfill({ response });
        })
      : (markHeld(), released.then(() => route.continue()));
    return delivered;
  };
  await page.route(url, handler);
  const release = async () => {
    letGo();
    await delivered;
  };
  return {
    held,
    release,
    async done() {
      await release();
      await page.unroute(url, handler);
    },
  };
}
