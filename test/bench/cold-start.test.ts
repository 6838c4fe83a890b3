/** Issue 11's cold-start job: the arithmetic and judging of bench/cold-start.ts (never its timings). */
import { describe, expect, it } from 'vitest';
import {
  bytesByPart,
  clientsAloneName,
  clientsAloneSource,
  INIT_RATIO_TARGET,
  interleaved,
  judgeInit,
  LIBRARIES_ALONE,
  librariesAloneFigures,
  sdkClientsIn,
} from '../../bench/cold-start';
import { BUNDLING, esbuildOptionsOf } from '../../lib/bundle';

describe('issue 11 bench: cold start judged against the one-client function', () => {
  it('divides each median by the reference median, and passes at 1.3 times but not above', () => {
    const reference = [40, 41, 39, 42, 40];
    const samples = {
      reference,
      at: reference.map((ms) => ms * 1.3),
      above: reference.map((ms) => ms * 1.31),
    };

    const figures = judgeInit(samples, 'reference');

    expect(figures.map(({ name, ratio, pass }) => ({ name, ratio, pass }))).toEqual([
      { name: 'reference', ratio: 1, pass: true },
      { name: 'at', ratio: expect.closeTo(1.3, 10), pass: true },
      { name: 'above', ratio: expect.closeTo(1.31, 10), pass: false },
    ]);
    expect(INIT_RATIO_TARGET).toBe(1.3);
  });

  it('takes the nearest-rank median and p90 of each, and the ratio of the p90s', () => {
    const tens = Array.from({ length: 10 }, (_, index) => (index + 1) * 10);
    const samples = { reference: tens, slow: tens.map((ms) => ms * 2).reverse() };

    const [reference, slow] = judgeInit(samples, 'reference');

    expect(reference).toMatchObject({ runs: 10, medianMs: 50, p90Ms: 90 });
    expect(slow).toMatchObject({ runs: 10, medianMs: 100, p90Ms: 180, ratio: 2, p90Ratio: 2, pass: false });
  });

  it('judges a function by its median, not by an outlier run', () => {
    const samples = { reference: [50, 50, 50, 50, 50], fn: [55, 55, 55, 60, 500] };

    const [, fn] = judgeInit(samples, 'reference');

    expect(fn?.ratio).toBeCloseTo(1.1);
    expect(fn?.pass).toBe(true);
  });

  it('refuses to judge without init times of the reference', () => {
    expect(() => judgeInit({ fn: [1, 2, 3] }, 'reference')).toThrow('no init times of the reference');
  });
});

describe('issue 11 bench: the runs are interleaved', () => {
  it('runs every bundle once a round, each round starting one further along', () => {
    const order = interleaved(['ref', 'a', 'b'], 4);

    expect(order).toEqual(['ref', 'a', 'b', 'a', 'b', 'ref', 'b', 'ref', 'a', 'ref', 'a', 'b']);
  });
});

describe('issue 11 bench: bundled as the stack bundles', () => {
  it("translates the stack's bundling options for esbuild: CommonJS for node, one file", () => {
    expect(esbuildOptionsOf(BUNDLING)).toEqual({
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      minify: true,
      sourcemap: false,
      external: [],
      mainFields: ['module', 'main'],
    });
    expect(
      esbuildOptionsOf({ ...BUNDLING, minify: false, sourceMap: true, externalModules: ['@aws-sdk/*'] }),
    ).toMatchObject({
      sourcemap: true,
      external: ['@aws-sdk/*'],
      minify: false,
    });
  });

  it('names the SDK clients that have bytes in a bundle, not those esbuild read and dropped', () => {
    const output = {
      inputs: {
        'node_modules/@aws-sdk/client-sqs/dist-es/SQSClient.js': { bytesInOutput: 900 },
        'node_modules/@aws-sdk/client-sqs/dist-es/commands/SendMessageCommand.js': { bytesInOutput: 300 },
        'node_modules/@aws-sdk/client-ssm/dist-es/index.js': { bytesInOutput: 0 },
        '../main/node_modules/@aws-sdk/client-dynamodb/dist-es/DynamoDBClient.js': { bytesInOutput: 50 },
        'node_modules/@aws-sdk/lib-dynamodb/dist-es/index.js': { bytesInOutput: 70 },
        'lambda/handlers/sweep.ts': { bytesInOutput: 10 },
      },
    };

    expect(sdkClientsIn(output)).toEqual(['client-dynamodb', 'client-sqs']);
  });

  it('splits a bundle into the SDK, zod, Powertools, the project and the rest', () => {
    const output = {
      inputs: {
        'node_modules/@smithy/core/dist-es/index.js': { bytesInOutput: 100 },
        'node_modules/@aws-sdk/client-sqs/dist-es/SQSClient.js': { bytesInOutput: 20 },
        'node_modules/@aws/lambda-invoke-store/dist-es/index.js': { bytesInOutput: 3 },
        'node_modules/zod/v4/core/schemas.js': { bytesInOutput: 50 },
        'node_modules/@aws-lambda-powertools/logger/lib/esm/Logger.js': { bytesInOutput: 7 },
        'node_modules/tslib/tslib.es6.mjs': { bytesInOutput: 1 },
        'lambda/core/start.ts': { bytesInOutput: 9 },
      },
    };

    expect(bytesByPart(output)).toEqual({ sdk: 123, zod: 50, powertools: 7, project: 9, other: 1 });
  });
});

describe('issue 11 bench: each function beside its clients alone', () => {
  it('makes each client at import and sends one command of each, as the reference does with SQS', () => {
    const source = clientsAloneSource(['client-connect', 'client-sqs']);

    expect(source).toContain(
      "import { ConnectClient, PutUserStatusCommand } from '@aws-sdk/client-connect';",
    );
    expect(source).toContain("import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';");
    expect(source).toContain('const client0 = new ConnectClient({});');
    expect(source).toContain('await client1.send(new SendMessageCommand(event as never));');
    expect(clientsAloneName(['client-connect', 'client-sqs'])).toBe('clients alone: connect+sqs');
  });

  it('refuses a client it has no command for, rather than measuring less than the function holds', () => {
    expect(() => clientsAloneSource(['client-kinesis'])).toThrow(
      'no command known for @aws-sdk/client-kinesis',
    );
  });
});

describe('issue 11 bench: what the shared libraries cost alone (reported, not judged)', () => {
  it('subtracts the bundle holding nothing from each library, and gives its share of the reference', () => {
    const figures = librariesAloneFigures(
      [
        { name: 'libraries alone: nothing', medianMs: 10 },
        { name: 'libraries alone: Powertools Logger and Metrics', medianMs: 17 },
        { name: 'libraries alone: faster than nothing (noise)', medianMs: 9 },
      ],
      35,
    );

    expect(figures).toEqual([
      { name: 'Powertools Logger and Metrics', medianMs: 17, ownMs: 7, ofReference: 0.2 },
      { name: 'faster than nothing (noise)', medianMs: 9, ownMs: 0, ofReference: 0 },
    ]);
  });

  it('refuses to report without the bundle holding nothing', () => {
    expect(() => librariesAloneFigures([{ name: 'libraries alone: zod', medianMs: 12 }], 35)).toThrow(
      /nothing/,
    );
  });

  it('measures nothing, Powertools as the functions make it, and the event parsers', () => {
    expect(Object.keys(LIBRARIES_ALONE)).toEqual([
      'nothing',
      'Powertools Logger and Metrics',
      'zod and the event parsers',
    ]);
    expect(LIBRARIES_ALONE['Powertools Logger and Metrics']).toMatch(/new Logger\(.*new Metrics\(/s);
    expect(LIBRARIES_ALONE['zod and the event parsers']).toMatch(/lambda\/handlers\/events/);
  });
});
