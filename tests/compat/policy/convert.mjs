// SPDX-License-Identifier: MIT
// Turns one `vpce policy eval` input (docs/policy.md) into the Simulation that
// @cloud-copilot/iam-simulate's runSimulation takes, runs it, and maps the
// answer back to vpce's decision names. Shared by compat.mjs and
// bench/policy/peer.mjs (which imports this file, so the peer resolves from
// tests/compat/policy/node_modules). The peer is test-only: AGPL, never shipped.
import { loadPolicy } from '@cloud-copilot/iam-policy';
import {
	anonymousPrincipal,
	isConditionKeyArray,
	runSimulation,
	typeForContextKey,
} from '@cloud-copilot/iam-simulate';

export { runSimulation };
// For bench/policy/peer.mjs, which cannot resolve the packages itself.
export {
	createValidatedPolicy,
	validateEndpointPolicy,
	validateIdentityPolicy,
	validateResourcePolicy,
	validateServiceControlPolicy,
} from '@cloud-copilot/iam-policy';

export const DECISION = {
	Allowed: 'Allow',
	ExplicitlyDenied: 'ExplicitDeny',
	ImplicitlyDenied: 'ImplicitDeny',
};

export class NotExpressible extends Error {}

function policyObject(p, where) {
	if (typeof p === 'string') {
		try {
			return JSON.parse(p);
		} catch {
			throw new NotExpressible(`${where} is a string that is not JSON`);
		}
	}
	if (p === null || typeof p !== 'object' || Array.isArray(p))
		throw new NotExpressible(`${where} is not a policy document`);
	return p;
}

function list(v, where) {
	if (v === undefined || v === null)
		return [];
	if (!Array.isArray(v))
		throw new NotExpressible(`${where} is not a list`);
	return v;
}

// The account field of an ARN ("" when there is none or it is empty).
export function arnAccount(arn) {
	if (typeof arn !== 'string' || !arn.startsWith('arn:'))
		return '';
	const f = arn.split(':');
	return f.length >= 6 ? f[4] : '';
}

function contextValue(v, key) {
	const one = (x) => {
		if (typeof x === 'string')
			return x;
		if (typeof x === 'number' || typeof x === 'boolean')
			return String(x);
		throw new NotExpressible(`context value of ${key} is not a string, number or boolean`);
	};
	return Array.isArray(v) ? v.map(one) : one(v);
}

// Returns the Simulation for 'input'; throws NotExpressible when
// iam-simulate's input cannot say what the case says.
export function toSimulation(input) {
	if (input === null || typeof input !== 'object')
		throw new NotExpressible('input is not an object');
	const pol = input.policies ?? {};
	const req = input.request ?? {};
	if (typeof req.principal !== 'string' || req.principal === '')
		throw new NotExpressible('request has no principal');
	if (typeof req.action !== 'string' || typeof req.resource !== 'string')
		throw new NotExpressible('request has no action or resource');
	const anonymous = req.principal === 'anonymous';

	const identity = list(pol.identity, 'policies.identity');
	const resource = list(pol.resource, 'policies.resource');
	const endpoint = list(pol.endpoint, 'policies.endpoint');
	const scp = list(pol.scp, 'policies.scp');
	const boundary = list(pol.boundary, 'policies.boundary');
	if (resource.length > 1)
		throw new NotExpressible('more than one resource policy');

	const context = {};
	for (const [k, v] of Object.entries(req.context ?? {}))
		context[k] = contextValue(v, k);

	const account = req.resourceAccount ?? (arnAccount(req.resource) ||
		(anonymous ? '' : arnAccount(req.principal)));

	// docs/policy.md: principal-side policies do not apply to an anonymous
	// caller; iam-simulate refuses them outright, so they are left out.
	const sim = {
		request: {
			principal: anonymous ? anonymousPrincipal : req.principal,
			action: req.action,
			resource: { resource: req.resource, accountId: account },
			contextVariables: context,
		},
		identityPolicies: anonymous ? [] : identity.map((p, i) => ({
			name: `identity[${i}]`, policy: policyObject(p, `identity[${i}]`),
		})),
		// One SCP per level of the hierarchy, root first (vpce: every entry
		// must allow, as every level must in AWS).
		serviceControlPolicies: anonymous ? [] : scp.map((p, i) => ({
			orgIdentifier: `level-${i}`,
			policies: [{ name: `scp[${i}]`, policy: policyObject(p, `scp[${i}]`) }],
		})),
		resourceControlPolicies: [],
	};
	if (resource.length === 1)
		sim.resourcePolicy = policyObject(resource[0], 'resource[0]');
	if (!anonymous && boundary.length > 0)
		sim.permissionBoundaryPolicies = boundary.map((p, i) => ({
			name: `boundary[${i}]`, policy: policyObject(p, `boundary[${i}]`),
		}));
	if (endpoint.length > 0)
		sim.vpcEndpointPolicies = endpoint.map((p, i) => ({
			name: `endpoint[${i}]`, policy: policyObject(p, `endpoint[${i}]`),
		}));
	return sim;
}

// Context keys whose several values iam-simulate cuts to the first, because
// its data says the key is single-valued.
export async function narrowedKeys(sim) {
	const out = [];
	for (const [k, v] of Object.entries(sim.request.contextVariables)) {
		if (!Array.isArray(v) || v.length < 2)
			continue;
		let t;
		try {
			t = await typeForContextKey(k.toLowerCase());
		} catch {
			continue;
		}
		if (t && !isConditionKeyArray(t))
			out.push(k);
	}
	return out;
}

function errorText(errors) {
	const parts = [errors.message];
	for (const [k, v] of Object.entries(errors)) {
		if (k === 'message')
			continue;
		const flat = Array.isArray(v) ? v : Object.values(v).flat();
		for (const e of flat.slice(0, 2))
			parts.push(typeof e === 'string' ? e : `${e.path ?? ''} ${e.message ?? ''}`.trim());
	}
	return parts.join('; ');
}

// runSimulation checks the request against iam-data's service model first:
// these refusals are about the model (an action it does not know, an ARN that
// is not of the action's resource type), not about the policy language.
export const MODEL_REFUSALS = new Set(['invalid.service', 'invalid.action',
	'no.resource.types', 'multiple.resource.types', 'must.use.wildcard']);

// The package's own evaluation engine, which runSimulation calls after its
// checks and context normalisation. The package exports only runSimulation
// (and runUnsafeSimulation, which ignores endpoint policies), so these are
// imported by path, from the pinned version.
const engineBase = new URL('./node_modules/@cloud-copilot/iam-simulate/dist/esm/', import.meta.url);
const { authorize } = await import(new URL('core_engine/CoreSimulatorEngine.js', engineBase));
const { AwsRequestImpl } = await import(new URL('request/request.js', engineBase));
const { RequestContextImpl } = await import(new URL('requestContext.js', engineBase));
const { DiscoveryContextKeyConstraints } = await import(
	new URL('context_keys/discoveryContextKeyConstraints.js', engineBase));
const { expandShortArn } = await import(new URL('util/resourceStrings.js', engineBase));

// The engine's decision on 'sim' exactly as given: every context key kept,
// lists kept as lists, no service-model checks (policies are assumed to have
// passed runSimulation's validation already).
export function engineDecide(sim) {
	const load = (list) => list.map((p) => loadPolicy(p.policy, { name: p.name }));
	const req = sim.request;
	const r = authorize({
		request: new AwsRequestImpl(req.principal,
			{ resource: expandShortArn(req.resource.resource), accountId: req.resource.accountId },
			req.action, new RequestContextImpl(req.contextVariables), req.resource.resource === '*'),
		sessionPolicy: undefined,
		identityPolicies: load(sim.identityPolicies),
		serviceControlPolicies: sim.serviceControlPolicies.map((l) => ({
			orgIdentifier: l.orgIdentifier, policies: load(l.policies) })),
		resourceControlPolicies: [],
		resourcePolicy: sim.resourcePolicy ? loadPolicy(sim.resourcePolicy, { name: 'resource' }) : undefined,
		permissionBoundaries: sim.permissionBoundaryPolicies ? load(sim.permissionBoundaryPolicies) : undefined,
		vpcEndpointPolicies: sim.vpcEndpointPolicies ? load(sim.vpcEndpointPolicies) : undefined,
		simulationParameters: {
			simulationMode: 'Strict',
			discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]),
		},
		serviceSettings: { s3: {} },
	});
	return DECISION[r.result] ?? r.result;
}

// { decision } or { error } (iam-simulate refused the input), with
// 'ignored' (context keys it dropped as not applying to the action).
export async function peerDecide(sim) {
	const r = await runSimulation(sim, {});
	if (r.resultType === 'error')
		return { error: errorText(r.errors), model: MODEL_REFUSALS.has(r.errors.message) };
	const ignored = r.resultType === 'single'
		? (r.result.ignoredContextKeys ?? [])
		: [...new Set(r.results.flatMap((x) => x.ignoredContextKeys ?? []))];
	// 'wildcard': a * in the request's resource made runSimulation read it as
	// a pattern and simulate the resources it stands for.
	return { decision: DECISION[r.overallResult] ?? r.overallResult, ignored,
		wildcard: r.resultType === 'wildcard' };
}
