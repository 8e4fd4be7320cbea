// SPDX-License-Identifier: MIT
// The peer side of bench/policy: @cloud-copilot/iam-simulate (AGPL, test-only,
// installed by tests/compat/policy/run.sh or `npm ci` in tests/compat/policy).
//
//   node peer.mjs [request.json] [seconds]
//       runSimulation on one request in a loop for 'seconds' (5) after a
//       1 s warm-up; prints `peer evals_per_sec N` (the documents as given,
//       validated and loaded on every call, as runSimulation does),
//       `peer evals_per_sec_prevalidated N` (validated once through the
//       package's createValidatedPolicy, its public way to reuse work across
//       calls; loading still happens per call) and `peer decision D`.
//   node peer.mjs --jsonl < lines
//       end to end, like `vpce policy eval --jsonl`: per line JSON.parse, the
//       input mapped to a Simulation, runSimulation, one result line out;
//       prints `peer jsonl_lines_per_sec N` on stderr.
//   node peer.mjs --gen N [request.json]
//       writes N input lines for the end-to-end runs: the request with its
//       session name and s3:prefix varied per line (the decision stays).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	DECISION,
	createValidatedPolicy,
	runSimulation,
	toSimulation,
	validateEndpointPolicy,
	validateIdentityPolicy,
	validateResourcePolicy,
	validateServiceControlPolicy,
} from '../../tests/compat/policy/convert.mjs';

const here = dirname(fileURLToPath(import.meta.url));

async function decide(sim) {
	const r = await runSimulation(sim, {});
	if (r.resultType === 'error')
		throw new Error(`iam-simulate refused the request: ${JSON.stringify(r.errors)}`);
	return DECISION[r.overallResult];
}

async function rate(sim, seconds) {
	let n = 0;
	const t0 = process.hrtime.bigint();
	const end = t0 + BigInt(Math.round(seconds * 1e9));
	let now = t0;
	while (now < end) {
		for (let i = 0; i < 256; i++)
			await decide(sim);
		n += 256;
		now = process.hrtime.bigint();
	}
	return n / (Number(now - t0) / 1e9);
}

function prevalidated(sim) {
	const v = structuredClone(sim);
	for (const p of v.identityPolicies)
		p.policy = createValidatedPolicy(p.policy, validateIdentityPolicy);
	for (const level of v.serviceControlPolicies)
		for (const p of level.policies)
			p.policy = createValidatedPolicy(p.policy, validateServiceControlPolicy);
	for (const p of v.permissionBoundaryPolicies ?? [])
		p.policy = createValidatedPolicy(p.policy, validateIdentityPolicy);
	for (const p of v.vpcEndpointPolicies ?? [])
		p.policy = createValidatedPolicy(p.policy, validateEndpointPolicy);
	if (v.resourcePolicy)
		v.resourcePolicy = createValidatedPolicy(v.resourcePolicy, validateResourcePolicy);
	return v;
}

async function loop(file, seconds) {
	const sim = toSimulation(JSON.parse(readFileSync(file, 'utf8')));
	const fast = prevalidated(sim);
	const d = await decide(sim);
	if (await decide(fast) !== d)
		throw new Error('pre-validated and plain runs disagree');
	await rate(sim, 1);		// warm-up (JIT, iam-data caches)
	const plain = await rate(sim, seconds);
	await rate(fast, 0.5);
	const pre = await rate(fast, seconds);
	console.log(`peer evals_per_sec ${Math.round(plain)}`);
	console.log(`peer evals_per_sec_prevalidated ${Math.round(pre)}`);
	console.log(`peer decision ${d}`);
}

async function jsonl() {
	const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
	const out = [];
	let n = 0;
	const t0 = process.hrtime.bigint();
	for await (const line of rl) {
		if (line === '')
			continue;
		const d = await decide(toSimulation(JSON.parse(line)));
		out.push(`{"decision":"${d}"}`);
		if (out.length >= 4096) {
			process.stdout.write(out.join('\n') + '\n');
			out.length = 0;
		}
		n++;
	}
	if (out.length)
		process.stdout.write(out.join('\n') + '\n');
	const s = Number(process.hrtime.bigint() - t0) / 1e9;
	process.stderr.write(`peer jsonl_lines_per_sec ${Math.round(n / s)} (${n} lines in ${s.toFixed(2)} s)\n`);
}

function gen(n, file) {
	const base = JSON.parse(readFileSync(file, 'utf8'));
	const principal = base.request.principal;
	const prefix = base.request.context['s3:prefix'];
	const chunk = [];
	for (let i = 0; i < n; i++) {
		base.request.principal = `${principal}-${i}`;
		base.request.context['s3:prefix'] = `${prefix}part-${i}/`;
		chunk.push(JSON.stringify(base));
		if (chunk.length === 1000 || i === n - 1) {
			process.stdout.write(chunk.join('\n') + '\n');
			chunk.length = 0;
		}
	}
}

if (process.argv[2] === '--jsonl')
	await jsonl();
else if (process.argv[2] === '--gen')
	gen(Number(process.argv[3]), process.argv[4] ?? join(here, 'request.json'));
else
	await loop(process.argv[2] ?? join(here, 'request.json'), Number(process.argv[3] ?? 5));
