package detect

import "math/bits"

// IP and MAC addresses: one pass over the starts of hex/colon runs.

var (
	ipWords      = newContextList("ip", "ipv4", "ipv6", "address", "addr", "host", "server", "client", "src", "dst", "gateway", "from", "connecting", "subnet")
	versionWords = newContextList("version", "ver", "v", "release", "build", "sdk", "firmware", "update")
	macWords     = newContextList("mac", "hardware", "ethernet", "wifi", "physical", "bssid", "nic")
)

func (s *piiScan) scanNet() {
	t := s.text
	n := len(t)
	ip, mac := s.want(bitIPAddress), s.want(bitMACAddress)
	for i := 0; i < n; {
		// Every address has a ':', '.' or '-' within its first five
		// bytes (after at most four hex digits, see netCandidate): skip
		// to four bytes before the next of them, eight bytes at a time
		// (prose has few).
		if i+8 <= n {
			j := i
			for j+8 <= n {
				if sep := netSeps(load8(t, j)); sep != 0 {
					j += bits.TrailingZeros64(sep) / 8
					break
				}
				j += 8
			}
			if j-4 > i {
				i = j - 4
				continue
			}
		}
		c := t[i]
		if !isHex(c) && c != ':' {
			i++
			continue
		}
		var prev byte
		if i > 0 {
			prev = t[i-1]
		}
		wordPrev := isWordByte(prev) || prev >= 0x80
		next := i + 1
		if !wordPrev && prev != '.' && netCandidate(t, i) {
			end := 0
			if ip && isDigit(c) {
				if e, cidr := parseIPv4(t, i); e > 0 {
					end = s.emitIPv4(i, e, cidr)
				}
			}
			if ip && prev != ':' {
				if e := s.ipv6(i); e > end {
					end = e
				}
			}
			if mac && prev != ':' && prev != '-' && end == 0 {
				if e := parseMAC(t, i); e > 0 {
					conf := 0.7
					if s.around(i, e, macWords) {
						conf = 0.9
					}
					if s.emit(bitMACAddress, "mac", i, e, conf) {
						end = e
					}
				}
			}
			if end > next {
				next = end
			}
		}
		// Skip the rest of this alphanumeric run.
		if next == i+1 && c != ':' {
			for next < n && isAlnum(t[next]) {
				next++
			}
		}
		i = next
	}
}

// netSeps sets the high bit of each ':', '.' or '-' in the eight bytes
// x.
func netSeps(x uint64) uint64 {
	return swarEq(x, ':') | swarEq(x, '.') | swarEq(x, '-')
}

// netCandidate reports whether an IP or MAC address may start at i: at
// "::", or after one to four hex digits followed by ':' (IPv6, MAC), '.'
// (IPv4, Cisco MAC) or '-' (MAC). It is a cheap necessary condition that
// spares the parsers most words of prose that start with a hex letter.
func netCandidate(t string, i int) bool {
	if t[i] == ':' {
		return true
	}
	j := i
	for j < len(t) && j-i < 5 && isHex(t[j]) {
		j++
	}
	return j-i <= 4 && j < len(t) && (t[j] == ':' || t[j] == '.' || t[j] == '-')
}

// parseIPv4 parses four strict decimal octets at i (no leading zeros, at
// most 255). It returns the end of the address (or 0) and the end
// including a "/0".."/32" prefix length.
func parseIPv4(t string, i int) (end, cidr int) {
	j := i
	for k := 0; k < 4; k++ {
		if k > 0 {
			if j >= len(t) || t[j] != '.' {
				return 0, 0
			}
			j++
		}
		a := j
		v := 0
		for j < len(t) && isDigit(t[j]) && j-a < 4 {
			v = v*10 + int(t[j]-'0')
			j++
		}
		if j == a || j-a > 3 || v > 255 || (j-a > 1 && t[a] == '0') {
			return 0, 0
		}
	}
	if j < len(t) && (isWordByte(t[j]) || t[j] >= 0x80) {
		return 0, 0
	}
	cidr = j
	if j+1 < len(t) && t[j] == '/' && isDigit(t[j+1]) {
		k := j + 1
		v := 0
		for k < len(t) && isDigit(t[k]) && k-j <= 3 {
			v = v*10 + int(t[k]-'0')
			k++
		}
		if v <= 32 && k-j <= 3 && (k == len(t) || !isWordByte(t[k])) {
			cidr = k
		}
	}
	return j, cidr
}

func (s *piiScan) emitIPv4(i, e, cidr int) int {
	t := s.text
	conf := 0.7
	if e < len(t) && t[e] == '.' && e+1 < len(t) && isDigit(t[e+1]) {
		conf = 0.4 // "1.2.3.4.5": more parts than an address
	}
	if i > 0 && t[i-1] == ':' {
		conf -= 0.1
	}
	if s.around(i, e, ipWords) {
		conf += 0.2
	}
	if s.hasContext(i-24, i, versionWords) {
		conf -= 0.4
	}
	if s.emit(bitIPAddress, "ipv4", i, cidr, conf) {
		return cidr
	}
	return 0
}

// ipv6 parses an IPv6 address at i (RFC 4291 text forms: compressed "::",
// embedded IPv4, zone "%eth0", prefix "/64") and records it.
func (s *piiScan) ipv6(i int) int {
	t := s.text
	n := len(t)
	j := i
	groups := 0
	dbl := false
	digit := false
	if j+1 < n && t[j] == ':' && t[j+1] == ':' {
		dbl = true
		j += 2
	} else if t[j] == ':' {
		return 0
	}
	for j < n && isHex(t[j]) {
		a := j
		for j < n && isHex(t[j]) {
			if isDigit(t[j]) {
				digit = true
			}
			j++
		}
		if j+1 < n && t[j] == '.' && isDigit(t[j+1]) && groups <= 6 {
			if e, _ := parseIPv4(t, a); e > 0 {
				groups += 2
				j = e
				break
			}
			return 0
		}
		if j-a > 4 {
			return 0
		}
		groups++
		if j+1 < n && t[j] == ':' && t[j+1] == ':' {
			if dbl {
				return 0
			}
			dbl = true
			j += 2
			continue
		}
		if j+1 < n && t[j] == ':' && isHex(t[j+1]) {
			j++
			continue
		}
		break
	}
	if dbl && groups > 7 || !dbl && groups != 8 {
		return 0
	}
	if j < n && (isWordByte(t[j]) || t[j] >= 0x80 || t[j] == ':' && j+1 < n && isAlnum(t[j+1])) {
		return 0
	}
	if !digit && groups > 0 && groups < 3 {
		return 0 // "be::", "a::b": words and C++ scopes, not addresses
	}
	end := j
	if end+1 < n && t[end] == '%' && isAlnum(t[end+1]) {
		k := end + 1
		for k < n && isAlnum(t[k]) {
			k++
		}
		end = k
	}
	if end+1 < n && t[end] == '/' && isDigit(t[end+1]) {
		k := end + 1
		v := 0
		for k < n && isDigit(t[k]) && k-end <= 4 {
			v = v*10 + int(t[k]-'0')
			k++
		}
		if v <= 128 && k-end <= 4 && (k == n || !isWordByte(t[k])) {
			end = k
		}
	}
	conf := 0.7
	if groups == 0 {
		conf = 0.1 // the unspecified address "::" identifies nobody
	}
	if s.around(i, end, ipWords) {
		conf += 0.2
	}
	if s.emit(bitIPAddress, "ipv6", i, end, conf) {
		return end
	}
	return 0
}

// parseMAC parses a MAC address at i: six hex pairs joined by one kind of
// separator (':' or '-') or three hex quads joined by '.' (Cisco). The
// all-zero and broadcast addresses are rejected.
func parseMAC(t string, i int) int {
	n := len(t)
	var b [12]byte
	nb := 0
	j := i
	if i+17 <= n && (t[i+2] == ':' || t[i+2] == '-') {
		sep := t[i+2]
		for k := 0; k < 6; k++ {
			if k > 0 {
				if t[j] != sep {
					return 0
				}
				j++
			}
			if !isHex(t[j]) || !isHex(t[j+1]) {
				return 0
			}
			b[nb], b[nb+1] = lowerByte(t[j]), lowerByte(t[j+1])
			nb += 2
			j += 2
		}
	} else if i+14 <= n && t[i+4] == '.' {
		for k := 0; k < 3; k++ {
			if k > 0 {
				if t[j] != '.' {
					return 0
				}
				j++
			}
			for q := 0; q < 4; q++ {
				if !isHex(t[j+q]) {
					return 0
				}
				b[nb] = lowerByte(t[j+q])
				nb++
			}
			j += 4
		}
	} else {
		return 0
	}
	if j < n && (isWordByte(t[j]) || t[j] >= 0x80 || (t[j] == ':' || t[j] == '-' || t[j] == '.') && j+1 < n && isHex(t[j+1])) {
		return 0
	}
	zero, ff := true, true
	for _, c := range b {
		zero = zero && c == '0'
		ff = ff && c == 'f'
	}
	if zero || ff {
		return 0
	}
	return j
}
