package reload

// OnWatching makes Watch call f once it watches the live config's
// directories: a change made after f is called is seen. Set it before
// Watch starts.
func OnWatching(r *Reloader, f func()) { r.watching = f }

// FireSettle runs what the settle timer runs when it fires
// (Options.Settled unless a reload is under way or a retired pipeline
// drains), without waiting for SettleDelay.
func FireSettle(r *Reloader) { r.settled() }
