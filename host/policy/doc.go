// Package policy implements the dispatch policy engines that decide whether
// an issued packet may be disclosed to a dispatch target (spec §7.8).
//
// # Engines
//
// [PermitAll] and [DenyAll] are the engine package's own trivial policies,
// re-exported here so callers can pick every engine from one place. [Static]
// evaluates an ordered list of [Rule]s: the first rule whose criteria all
// match decides, and [Static.Default] applies when none does. [New] builds
// the engine named by the policy.engine setting.
//
// # Effects
//
// A permit lets the engine record a dispatch receipt. A deny makes the engine
// report "policy denied disclosure". An error effect makes Authorize return
// an error carrying the rule's error_message, which the engine reports as
// "policy decision error: <message>". At scenario_start either one fails the
// call; on advance the run fails with that reason.
//
// # Concurrency
//
// A [*Static] built by [NewStatic] is immutable and safe for concurrent use.
// Authorize does no I/O and reads no clock, so decisions are deterministic.
//
// # Usage
//
//	st, err := policy.NewStatic(policy.Static{Default: policy.EffectDeny, Rules: rules})
//	eng := engine.New(source, memstore.New(), &engine.Options{Dispatch: st})
package policy
