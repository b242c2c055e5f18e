// Package dashboard serves imogate's web dashboard at /dashboard: an owner
// view (usage, keys, revenue, settlement batches) and an auditor view that
// verifies a receipt's EIP-712 signature and Merkle proof in the browser.
//
// The page is three static files built from web/ by build.mjs into dist/
// and embedded in the binary, so `go build` needs no npm; dist/ is
// committed, and TestDistIsRebuilt proves that rebuilding it gives no diff.
// The page calls the gateway's public API with the credential the user
// types, which it keeps in memory only.
package dashboard

import (
	"embed"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
)

//go:embed dist
var dist embed.FS

// Prefix is the path the dashboard is served under.
const Prefix = "/dashboard"

// securityHeaders keep the page from running or loading anything but its
// own files. connect-src allows other origins only for the optional
// on-chain root check against a JSON-RPC URL the user types.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self' http: https:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "no-referrer",
	"X-Frame-Options":        "DENY",
	"Cache-Control":          "no-cache",
}

// Register mounts the dashboard on r: GET /dashboard and /dashboard/ serve
// index.html (which links its files by absolute path, so both work with
// strict routing or without); GET /dashboard/<file> serves the other built
// files. Anything else under /dashboard/ is 404.
func Register(r fiber.Router) {
	index := func(c *fiber.Ctx) error { return serve(c, "index.html") }
	r.Get(Prefix, index)
	r.Get(Prefix+"/", index)
	r.Get(Prefix+"/:file", func(c *fiber.Ctx) error { return serve(c, c.Params("file")) })
}

// serve writes one embedded file. Names come from the URL, so only plain
// file names in dist/ are accepted.
func serve(c *fiber.Ctx, name string) error {
	if name == "" || name != path.Base(name) || name[0] == '.' {
		return fiber.ErrNotFound
	}
	b, err := dist.ReadFile("dist/" + name)
	if err != nil {
		return fiber.ErrNotFound
	}
	for k, v := range securityHeaders {
		c.Set(k, v)
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Set(fiber.HeaderContentType, ct)
	return c.Send(b)
}
