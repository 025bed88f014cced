package codegen_test

import (
	"fmt"
	"testing"

	"github.com/mistbench/mistbench/codegen"
	"github.com/mistbench/mistbench/collections"
)

// bench500 resolves a 500-request collection: the corpus (but its 100 KB
// body) and the Mist starter's requests, repeated.
func bench500(b *testing.B) []*collections.Resolved {
	c := corpusCollection("127.0.0.1:8080", b.TempDir())
	var reqs []*collections.Request
	for _, tc := range corpus() {
		if tc.name != "raw_100kb" {
			reqs = append(reqs, tc.req)
		}
	}
	starter := collections.MistStarter()
	starter.Walk(func(_ []*collections.Folder, r *collections.Request) { reqs = append(reqs, r) })
	c.Variables = append(c.Variables, starter.Variables...)
	c.Variables = append(c.Variables, collections.Variable{Key: "host", Value: "api.mist.com"})
	var out []*collections.Resolved
	for i := 0; len(out) < 500; i++ {
		r, err := c.Resolve(reqs[i%len(reqs)], nil, collections.Scope{Mode: collections.SecretsPlaceholder})
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// BenchmarkGenerate500 generates every target for each request of a
// 500-request collection; one op is the whole collection.
func BenchmarkGenerate500(b *testing.B) {
	rs := bench500(b)
	for _, tg := range append(codegen.Targets, codegen.Target{Name: "all"}) {
		b.Run(tg.Name, func(b *testing.B) {
			targets := []codegen.Target{tg}
			if tg.Name == "all" {
				targets = codegen.Targets
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				for _, r := range rs {
					for _, t := range targets {
						if _, err := t.Generate(r, codegen.Options{}); err != nil {
							b.Fatal(err)
						}
						n++
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/1000, "µs/snippet")
		})
	}
}

// BenchmarkGenerateOne is one snippet of a typical Mist request, as the
// workbench regenerates it on every edit.
func BenchmarkGenerateOne(b *testing.B) {
	starter := collections.MistStarter()
	req, path, err := starter.Find("WLANs/Rename SSID")
	if err != nil {
		b.Fatal(err)
	}
	env := starter.Environment("Global 01")
	r, err := starter.Resolve(req, path, collections.Scope{Env: env, Mode: collections.SecretsPlaceholder})
	if err != nil {
		b.Fatal(err)
	}
	for _, tg := range codegen.Targets {
		b.Run(tg.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tg.Generate(r, codegen.Options{}); err != nil {
					b.Fatal(fmt.Errorf("%s: %w", tg.Name, err))
				}
			}
		})
	}
}
