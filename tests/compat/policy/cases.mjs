// SPDX-License-Identifier: MIT
// Reads the policy corpus (tests/cases/policy/*.case; format in
// tests/cases/policy/README.md) into plain objects. No dependencies.
import { readFileSync, readdirSync } from 'node:fs';
import { join, basename } from 'node:path';

// A case:
//   { file, line, name, sources: [], kind: 'eval' | 'validate',
//     input (object, eval), validateType + body (string, validate),
//     expect: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' | 'valid' | 'invalid',
//     invalidPaths: [], matched: [] | null, missing: [] | null, error }
// 'error' is set (and the case is otherwise partial) when it cannot be read.
export function parseCaseText(text, file) {
	const lines = text.split(/\r?\n/);
	const cases = [];
	let cur = null;
	let body = null;	// lines of a JSON body being collected
	const finish = () => {
		if (!cur)
			return;
		if (body !== null)
			endBody();
		if (!cur.expect && !cur.error)
			cur.error = 'no expect: line';
		cases.push(cur);
		cur = null;
	};
	const endBody = () => {
		const txt = body.join('\n');
		body = null;
		if (cur.kind === 'eval') {
			try {
				cur.input = JSON.parse(txt);
			} catch (e) {
				cur.error = `input is not JSON: ${e.message}`;
			}
		} else {
			cur.body = txt;
		}
	};
	for (let i = 0; i < lines.length; i++) {
		const raw = lines[i];
		const ln = i + 1;
		if (raw.startsWith('=== ')) {
			finish();
			cur = { file, line: ln, name: raw.slice(4).trim(), sources: [], kind: null,
				matched: null, missing: null, invalidPaths: [] };
			continue;
		}
		if (!cur)
			continue;	// comments, preamble
		if (body !== null) {
			// A JSON body runs until the next keyword line at column 0.
			if (/^(expect|matched|missing|source):/.test(raw)) {
				endBody();
			} else {
				body.push(raw);
				continue;
			}
		}
		if (raw.startsWith('#') || raw.trim() === '')
			continue;
		let m;
		if ((m = /^source:\s*(.*)$/.exec(raw))) {
			cur.sources.push(m[1].trim());
		} else if (/^input:\s*$/.test(raw) || (m = /^input:\s*(\S.*)$/.exec(raw))) {
			cur.kind = 'eval';
			body = m ? [m[1]] : [];
		} else if ((m = /^validate:\s*(\S+)\s*$/.exec(raw))) {
			cur.kind = 'validate';
			cur.validateType = m[1];
			body = [];
		} else if ((m = /^expect:\s*(.*)$/.exec(raw))) {
			const words = m[1].trim().split(/\s+/);
			cur.expect = words[0];
			cur.invalidPaths = words.slice(1);
		} else if ((m = /^matched:\s*(.*)$/.exec(raw))) {
			cur.matched = m[1].trim().split(/\s+/).filter(Boolean);
		} else if ((m = /^missing:\s*(.*)$/.exec(raw))) {
			cur.missing = m[1].trim().split(/\s+/).filter(Boolean);
		} else if (!cur.error) {
			cur.error = `line ${ln}: unexpected text`;
		}
	}
	finish();
	return cases;
}

export function readCorpus(dir) {
	let names;
	try {
		names = readdirSync(dir).filter((n) => n.endsWith('.case')).sort();
	} catch {
		return [];
	}
	return names.flatMap((n) =>
		parseCaseText(readFileSync(join(dir, n), 'utf8'), basename(n)));
}
