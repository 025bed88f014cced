// Package sandbox is mistbench's local imitation of the Juniper Mist cloud
// API: a stateful http.Handler that behaves like Mist for the seed walk and
// its neighbours (whoami, API tokens, login with two-factor and CSRF, org
// sites, site and org WLANs, usage, paging, the hourly rate limit, Mist's
// error bodies) and answers every other operation of the Mist OpenAPI
// description from the spec's own example, or 501 naming the operation.
//
// The seed is deterministic (see the Seed* constants) so docs and tests can
// name its ids; only the API token is random unless Options.Token is set.
//
// The operation table is generated from ../shared/mist/mist.openapi.yaml
// (MIT, see LICENSE-mist_openapi.txt) into spec_table.json.gz, which the
// binary embeds and decodes on first use.
package sandbox

//go:generate go run ./internal/specgen -in ../../../shared/mist/mist.openapi.yaml -out spec_table.json.gz
