import { expect } from 'vitest';

/**
 * Drives the 3-D Secure page the way a browser does: loads the HTML, finds the form and the chosen button,
 * and submits it as application/x-www-form-urlencoded.
 */
export async function answerChallenge(url: string, answer: 'pass' | 'fail'): Promise<Response> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = /<form method="post" action="([^"]+)"/.exec(html);
  expect(form, 'the challenge page has a form').not.toBeNull();
  const button = new RegExp(`<button[^>]*name="result" value="${answer}"`).exec(html);
  expect(button, `the challenge page has a ${answer} button`).not.toBeNull();
  const action = new URL(form![1]!, url).toString();
  return fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `result=${answer}`,
    redirect: 'manual',
  });
}
