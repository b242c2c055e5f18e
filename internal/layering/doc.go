// Package layering holds the test that keeps imogate's package layers in
// their order: domains (metering, apikey, settlement, inference) at the
// bottom, importing no implementation; consumers (gateway, the batcher,
// the auditor, the ledger) above them, declaring the interfaces they need;
// the Redis store above the domains it implements; and the commands on top,
// the only place the parts are wired together. It has no code of its own.
package layering
