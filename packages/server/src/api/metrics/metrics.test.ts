import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { examples } from '@parley/contract';
import { type JsonValue, verifyBundle } from '@parley/record';
import { minute, t0 } from '../../hotline/_util.js';
import { forEachDialect } from '../../store/_util.js';
import { type ApiPair, apiPair, failure } from '../_node-util.js';

const hour = 60 * minute;
const deadline = new Date(t0 + 48 * hour).toISOString();

function requestBody(): JsonValue {
  const slot = { start: new Date(t0 + 72 * hour).toISOString(), durationMinutes: 60, timeZone: 'UTC' };
  return { ...examples.request, slots: [slot], deadline } as unknown as JsonValue;
}

forEachDialect('console API: metrics and evidence of silence', (t) => {
  let pair: ApiPair;
  let request: string;
  before(async () => {
    pair = await apiPair(t);
    request = (await pair.us.append(pair.channel, { type: 'request', body: requestBody() })).id;
    await pair.settle();
  });
  after(() => pair.close());

  it('GET /metrics: 401, then 400 with the exact message, then 200', async () => {
    const h = pair.usApi;
    assert.equal(failure(await h.call('GET', '/api/v1/metrics?level=9')).code, 'PARLEY_E_UNAUTHENTICATED');
    const viewer = await h.signedIn(['operator']);
    assert.deepEqual(failure(await h.call('GET', '/api/v1/metrics?level=9', { as: viewer })), {
      status: 400,
      code: 'PARLEY_E_INVALID_REQUEST',
      message: 'invalid request query at level: Too big: expected number to be <=5',
    });
    assert.deepEqual(
      failure(
        await h.call('GET', '/api/v1/metrics?from=2024-01-02T00:00:00.000Z&to=2024-01-01T00:00:00.000Z', {
          as: viewer,
        }),
      ),
      {
        status: 400,
        code: 'PARLEY_E_INVALID_REQUEST',
        message: 'invalid request query at to: from must not be after to',
      },
    );
    const res = await h.call('GET', `/api/v1/metrics?channel=${pair.channel}`, { as: viewer });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as {
      channels: Array<{ channel: string; requests: { bySide: Array<{ side: string; made: number; open: number }> } }>;
    };
    assert.equal(body.channels.length, 1);
    assert.equal(body.channels[0]!.channel, pair.channel);
    assert.deepEqual(
      body.channels[0]!.requests.bySide.map((r) => [r.side, r.made, r.open]),
      [['us-js', 1, 1]],
    );
    const unknown = await h.call('GET', `/api/v1/metrics?channel=${'B'.repeat(42)}A`, { as: viewer });
    assert.equal(failure(unknown).code, 'PARLEY_E_NOT_FOUND');
  });

  it('GET /channels/:channel/evidence/unanswered/:request: 401, 400, 403, then 409 before the deadline and the bundle after', async () => {
    const h = pair.usApi;
    const url = (id: string) => `/api/v1/channels/${pair.channel}/evidence/unanswered/${id}`;
    assert.equal(failure(await h.call('GET', url('nonsense'))).code, 'PARLEY_E_UNAUTHENTICATED');
    const analyst = await h.signedIn(['analyst']);
    assert.deepEqual(failure(await h.call('GET', url('nonsense'), { as: analyst })), {
      status: 400,
      code: 'PARLEY_E_INVALID_REQUEST',
      message: 'invalid request path at request: expected an entry id (43-char base64url of 32 bytes)',
    });
    const operator = await h.signedIn(['operator']);
    assert.equal(failure(await h.call('GET', url(request), { as: operator })).code, 'PARLEY_E_FORBIDDEN');
    const early = failure(await h.call('GET', url(request), { as: analyst }));
    assert.equal(early.status, 409);
    assert.equal(early.code, 'PARLEY_E_NOT_UNANSWERED_YET');

    pair.clock.advance(49 * hour);
    // A later message of us-js: cn-jsd's node stores it and writes a receipt, after the deadline.
    await pair.us.append(pair.channel, {
      type: 'message',
      body: { ...examples.message, subject: 'Still waiting' } as unknown as JsonValue,
      assignSerial: true,
    });
    await pair.settle();
    const again = await h.signedIn(['analyst']);
    const res = await h.call('GET', url(request), { as: again });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="unanswered-/);
    const report = verifyBundle(res.json());
    assert.match(
      report.claims[0]!.statement,
      new RegExp(`^cn-jsd stored request ${request} .* no answer to it up to the deadline ${deadline}`),
    );
  });
});
