package admin

import (
	"net/http"
	"path"
)

// canonicalPaths refuses, with 404, every request target that is not the
// plain form of a path: an absolute-form or "*" target, a query, percent
// escapes, doubled slashes, dot segments or a trailing slash. Without it
// http.ServeMux answers "//reload" or "/guards/../reload" with a redirect
// to the endpoint, which an admin API has no use for: a client (or a
// proxy in front) that follows redirects with its credentials would be
// steered by whoever wrote the link. Every endpoint has one spelling.
func canonicalPaths(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if r.RequestURI != p || len(p) < 2 || p[0] != '/' || path.Clean(p) != p {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
			return
		}
		h.ServeHTTP(w, r)
	})
}
