// SPDX-License-Identifier: MIT
// Runs every case of the policy corpus through @cloud-copilot/iam-simulate
// (test-only peer, AGPL, never shipped) and compares its decision with the
// case's expectation. Writes a Markdown report; prints counts on stdout.
//
//   node compat.mjs [CORPUS_DIR] [REPORT.md]
//
// Verdicts for known disagreements (AWS documentation URL and a one-sentence
// summary, written by hand) live in verdicts.json, keyed "file.case:name".
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	validateEndpointPolicy,
	validateIdentityPolicy,
	validateResourcePolicy,
	validateServiceControlPolicy,
} from '@cloud-copilot/iam-policy';
import { readCorpus } from './cases.mjs';
import { NotExpressible, engineDecide, narrowedKeys, peerDecide, toSimulation } from './convert.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const corpusDir = resolve(process.argv[2] ?? join(root, 'tests/cases/policy'));
const reportPath = process.argv[3] ? resolve(process.argv[3]) : null;
const verdicts = JSON.parse(readFileSync(join(here, 'verdicts.json'), 'utf8'));
const peerVersion = JSON.parse(readFileSync(
	join(here, 'node_modules/@cloud-copilot/iam-simulate/package.json'), 'utf8')).version;

const VALIDATORS = {
	identity: validateIdentityPolicy,
	boundary: validateIdentityPolicy,
	resource: validateResourcePolicy,
	endpoint: validateEndpointPolicy,
	'gateway-endpoint': validateEndpointPolicy,
	scp: validateServiceControlPolicy,
};

const cases = readCorpus(corpusDir);
const evalRows = [];	// { c, outcome: 'agree'|'disagree'|'nx', peer, why, notes }
const valRows = [];

for (const c of cases) {
	if (c.error) {
		(c.kind === 'validate' ? valRows : evalRows).push({ c, outcome: 'nx', why: `case unreadable: ${c.error}` });
		continue;
	}
	if (c.kind === 'validate') {
		const fn = VALIDATORS[c.validateType];
		if (!fn) {
			valRows.push({ c, outcome: 'nx', why: `no iam-policy validator for ${c.validateType}` });
			continue;
		}
		let doc, errs;
		try {
			doc = JSON.parse(c.body);
		} catch {
			doc = undefined;
		}
		if (doc === undefined) {
			errs = [{ path: '(document)', message: 'not JSON' }];
		} else {
			try {
				errs = fn(doc);
			} catch (e) {
				errs = [{ path: '(document)', message: `validator threw: ${e.message}` }];
			}
		}
		const peer = errs.length ? 'invalid' : 'valid';
		const notes = errs.slice(0, 2).map((e) => `${e.path}: ${e.message}`).join('; ');
		valRows.push({ c, outcome: peer === c.expect ? 'agree' : 'disagree', peer, notes });
		continue;
	}
	let sim;
	try {
		sim = toSimulation(c.input);
	} catch (e) {
		if (!(e instanceof NotExpressible))
			throw e;
		evalRows.push({ c, outcome: 'nx', why: e.message });
		continue;
	}
	// The peer's answer is runSimulation's, unless runSimulation refused the
	// request over its service model or dropped or narrowed context keys:
	// then it is the answer of the package's engine on the context as given
	// (vpce's context is complete by contract), and the row says so.
	let r, path = 'runSimulation';
	const notes = [];
	try {
		r = await peerDecide(sim);
		if (r.error && !r.model) {
			evalRows.push({ c, outcome: 'nx', why: `iam-simulate refused the input: ${r.error}` });
			continue;
		}
		const narrowed = r.error ? [] : await narrowedKeys(sim);
		if (r.error || r.ignored.length || narrowed.length || r.wildcard) {
			const first = r.error ? `refused (${r.error})` : r.decision;
			if (r.error)
				notes.push(`runSimulation refused: ${r.error}`);
			if (!r.error && r.ignored.length)
				notes.push(`runSimulation dropped ${r.ignored.join(', ')}`);
			if (narrowed.length)
				notes.push(`runSimulation kept one value of ${narrowed.join(', ')}`);
			if (!r.error && r.wildcard)
				notes.push('runSimulation read the * in the request resource as a pattern');
			r = { decision: engineDecide(sim), first };
			path = 'engine';
			if (first !== r.decision && !first.startsWith('refused'))
				notes.push(`its own answer was ${first}`);
		}
	} catch (e) {
		evalRows.push({ c, outcome: 'nx', why: `iam-simulate threw: ${e.message}` });
		continue;
	}
	evalRows.push({ c, outcome: r.decision === c.expect ? 'agree' : 'disagree',
		peer: r.decision, path, notes: notes.join('; ') });
}

const count = (rows, o) => rows.filter((r) => r.outcome === o).length;
const where = (c) => `${relative(root, join(corpusDir, c.file))}:${c.line}`;
const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const verdictOf = (c) => verdicts[`${c.file}:${c.name}`];

function disagreementTable(rows) {
	const out = ['| case | vpce expects | iam-simulate | AWS documentation | who is right |',
		'|---|---|---|---|---|'];
	for (const r of rows.filter((x) => x.outcome === 'disagree')) {
		const v = verdictOf(r.c);
		const how = r.path === 'engine' ? 'engine' : '';
		const extra = [how, r.notes].filter(Boolean).join('; ');
		const peer = extra ? `${r.peer} (${extra})` : r.peer;
		const url = v ? v.url : (r.c.sources[0] ?? '');
		const why = v ? `**${v.right}**: ${v.summary}` : '*not yet reviewed* (URL is the case\'s own source)';
		out.push(`| \`${where(r.c)}\` ${cell(r.c.name)} | ${r.c.expect}${r.c.invalidPaths?.length ? ' ' + r.c.invalidPaths.join(' ') : ''} | ${cell(peer)} | ${url} | ${cell(why)} |`);
	}
	return out;
}

const md = [];
md.push('# vpce policy engine vs. iam-simulate');
md.push('');
md.push('Generated by `tests/compat/policy/run.sh`; do not edit by hand (verdicts are kept');
md.push('in `tests/compat/policy/verdicts.json`). The peer is');
md.push(`\`@cloud-copilot/iam-simulate\` ${peerVersion}, an independent IAM evaluator`);
md.push('(AGPL-3.0, used only as a test oracle: installed by `npm ci` into');
md.push('`tests/compat/policy/node_modules`, never shipped, vendored or linked).');
md.push('Each evaluation case of `tests/cases/policy/` is translated to its');
md.push('`runSimulation` input (identity policies, resource policy, VPC endpoint');
md.push('policies, one SCP per organization level, permissions boundary, principal,');
md.push('action, resource, resource account, context) and its decision compared with');
md.push('the case\'s `expect:`. Validation cases are compared as valid/invalid only,');
md.push('with iam-policy\'s validator for the document type.');
md.push('');
md.push(`Corpus: ${cases.length} cases in ${new Set(cases.map((c) => c.file)).size} files.`);
md.push('');
md.push('## Evaluation cases');
md.push('');
md.push('| | agree | disagree | not expressible | total |');
md.push('|---|---|---|---|---|');
const byPath = (p, o) => evalRows.filter((r) => r.path === p && r.outcome === o).length;
md.push(`| all cases | ${count(evalRows, 'agree')} | ${count(evalRows, 'disagree')} | ${count(evalRows, 'nx')} | ${evalRows.length} |`);
md.push(`| answered by \`runSimulation\` | ${byPath('runSimulation', 'agree')} | ${byPath('runSimulation', 'disagree')} | | ${evalRows.filter((r) => r.path === 'runSimulation').length} |`);
md.push(`| answered by the engine (see below) | ${byPath('engine', 'agree')} | ${byPath('engine', 'disagree')} | | ${evalRows.filter((r) => r.path === 'engine').length} |`);
md.push('');
md.push('`runSimulation` first checks a request against the package\'s service data');
md.push('(iam-data): it refuses an action it does not know or a resource ARN that is');
md.push('not of the action\'s resource type (the corpus often pairs `s3:ListBucket`');
md.push('with an object ARN, which the policy language does not care about), drops');
md.push('context keys its data does not list for the action, and keeps one value of');
md.push('keys its data calls single-valued. vpce takes the context as given. For');
md.push('those cases the peer\'s answer is that of the package\'s own evaluation');
md.push('engine (`authorize`, which `runSimulation` calls after those steps) on the');
md.push('request and context exactly as the case gives them; the table notes it.');
md.push('');
if (count(evalRows, 'disagree')) {
	md.push('### Disagreements');
	md.push('');
	md.push(...disagreementTable(evalRows));
	md.push('');
}
if (count(evalRows, 'nx')) {
	md.push('### Not expressible');
	md.push('');
	md.push('| case | why |');
	md.push('|---|---|');
	for (const r of evalRows.filter((x) => x.outcome === 'nx'))
		md.push(`| \`${where(r.c)}\` ${cell(r.c.name)} | ${cell(r.why)} |`);
	md.push('');
}
md.push('## Validation cases');
md.push('');
md.push('| agree | disagree | not expressible | total |');
md.push('|---|---|---|---|');
md.push(`| ${count(valRows, 'agree')} | ${count(valRows, 'disagree')} | ${count(valRows, 'nx')} | ${valRows.length} |`);
md.push('');
if (count(valRows, 'disagree')) {
	md.push('### Disagreements');
	md.push('');
	md.push(...disagreementTable(valRows.map((r) => ({ ...r, peer: r.peer, notes: r.notes }))));
	md.push('');
}
if (count(valRows, 'nx')) {
	md.push('| case | why not compared |');
	md.push('|---|---|');
	for (const r of valRows.filter((x) => x.outcome === 'nx'))
		md.push(`| \`${where(r.c)}\` ${cell(r.c.name)} | ${cell(r.why)} |`);
	md.push('');
}

if (reportPath)
	writeFileSync(reportPath, md.join('\n'));
const summary = {
	eval: { agree: count(evalRows, 'agree'), disagree: count(evalRows, 'disagree'), notExpressible: count(evalRows, 'nx') },
	validate: { agree: count(valRows, 'agree'), disagree: count(valRows, 'disagree'), notExpressible: count(valRows, 'nx') },
};
summary.eval.viaEngine = evalRows.filter((r) => r.path === 'engine').length;
console.log(JSON.stringify(summary));
for (const r of [...evalRows, ...valRows].filter((x) => x.outcome !== 'agree'))
	console.log(`${r.outcome === 'nx' ? 'NX  ' : 'DIFF'} ${where(r.c)} ${r.c.name}: expect ${r.c.expect}, peer ${r.peer ?? '-'}${r.notes ? ` (${r.notes})` : ''}${r.why ? ` [${r.why}]` : ''}`);
