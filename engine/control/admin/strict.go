package admin

import (
	"net/http"
	"path"
	"strings"
)

// canonicalPaths refuses, with 404, every request target whose path is not
// in plain form: an absolute-form or "*" target, percent escapes, doubled
// slashes, dot segments or a trailing slash (a query is left to the
// endpoint; the console's root, "/console/", is the one trailing slash,
// as browsers resolve its relative links against it). Without it
// http.ServeMux answers "//reload" or "/guards/../reload" with a redirect
// to the endpoint, which an admin API has no use for: a client (or a
// proxy in front) that follows redirects with its credentials would be
// steered by whoever wrote the link. Every endpoint has one spelling.
func canonicalPaths(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		target, _, _ := strings.Cut(r.RequestURI, "?")
		if target != p || len(p) < 2 || p[0] != '/' || (path.Clean(p) != p && p != consoleRoot) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// consoleRoot is the console's page (engine/control/console).
const consoleRoot = "/console/"
