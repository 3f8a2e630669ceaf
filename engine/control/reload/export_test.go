package reload

// OnWatching makes Watch call f once it watches the live config's
// directories: a change made after f is called is seen. Set it before
// Watch starts.
func OnWatching(r *Reloader, f func()) { r.watching = f }
