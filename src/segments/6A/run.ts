// Segment 6A: the bank's entity graph.
//   S0 gate+seal (1A 1B 2A 2B 3A 3B 5A 5B) → S1 parties (sized from 5A's expected demand, homes, activity)
//   → S2 accounts (hold decision + capped count per party × account type, merchant settlement accounts)
//   → S3 instruments (a bank handle per account; physical and virtual cards and wallet tokens by decision)
//   → S4 households, devices (and a terminal per physical outlet), account access and IPs (residential,
//   corporate, carrier CGNAT, public Wi-Fi, VPN) → S5 static fraud roles of parties, accounts, merchants,
//   devices and IPs (score from features + noise, tier, role sampled per entity), checks, report, issue
//   table and the gate. Later states (accounts, instruments, devices and IPs, fraud roles) add to the world
//   between S1 and the seal.
import { runS0 } from '../../engine/s0.js';
import { RngTrace } from '../../engine/trace.js';
import type { SegmentDef } from '../../engine/context.js';
import { load6A, checkPolicies6A } from './policies.js';
import { readInputs6A } from './inputs.js';
import { s1Parties } from './s1_parties.js';
import { publishS1, publishS2, publishS3, publishS4, publishS5 } from './outputs.js';
import { s5Roles } from './s5_roles.js';
import { s4Network } from './s4_network.js';
import { s3Instruments } from './s3_instruments.js';
import { s2Accounts } from './s2_accounts.js';
import { validate6A } from './validate.js';

export const UPSTREAM_6A = ['1A', '1B', '2A', '2B', '3A', '3B', '5A', '5B'];

export const segment6A: SegmentDef = {
  id: '6A',
  layer: 3,
  upstream: UPSTREAM_6A,
  async preflight(ctx) {
    checkPolicies6A(ctx.pack, load6A(ctx.pack));
  },
  async run(ctx) {
    const sealed = await runS0(ctx, '6A', UPSTREAM_6A, 'layer3/6A/');
    const p = load6A(ctx.pack);
    checkPolicies6A(ctx.pack, p);
    const trace = new RngTrace('6A');
    const inputs = await readInputs6A(ctx);
    const parties = await s1Parties(ctx, p, inputs, trace);
    const s1 = publishS1(ctx, parties);
    s1.catch(() => undefined); // joined below; not an unhandled rejection meanwhile
    const accounts = await s2Accounts(ctx, p, parties, trace);
    const s2 = publishS2(ctx, parties, accounts);
    s2.catch(() => undefined);
    const instruments = await s3Instruments(ctx, p, parties, accounts, trace);
    const s3 = publishS3(ctx, p, parties, accounts, instruments);
    s3.catch(() => undefined);
    const network = await s4Network(ctx, p, inputs, parties, accounts, instruments, trace);
    const s4 = publishS4(ctx, p, parties, accounts, instruments, network, inputs);
    s4.catch(() => undefined);
    const roles = await s5Roles(ctx, p, inputs, parties, accounts, network, trace);
    const published = Promise.all([s1, s2, s3, s4, publishS5(ctx, p, parties, accounts, network, inputs, roles)]).then(
      (r) => Object.assign({}, ...r) as Record<string, number>,
    );
    published.catch(() => undefined); // awaited by the seal; the checks run while parts still encode
    await validate6A(ctx, { p, inputs, parties, accounts, instruments, network, roles, sealed, trace }, published);
    return { rows: await published };
  },
};
