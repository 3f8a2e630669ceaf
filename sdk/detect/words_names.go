// The files of the name and place detector sort after secrets*.go on
// purpose: the linker lays out a package's functions in file order, and
// inside Wasm the secrets scan (in every guard's default path) runs
// several percent slower or faster with the code placed before it.

package detect

import (
	"strings"
	"sync"
)

// Person names and places. Without a language model a run of capitalised
// words is a name or a place only on structural evidence: a title before
// it ("Dr.", "Frau", "Professor"), a phrase that announces a name ("my
// name is", "Dear", "called"), a known given name first or a known
// surname last, a known place (words_dict.go), a place after "lives in",
// or a word before ", <state or country>" ("Springfield, Illinois").
// Capitalised common words ("Will", "Rose", "Nice", "Reading") need a
// second cue, and runs that look like organisations ("Smith-Jones",
// "Garcia LLC") or street names ("Jackson Street") are left alone.

// Flags of nameDict's entries: the lists a word (or a multi-word place)
// is in.
const (
	dGiven       uint32 = 1 << iota // givenNames
	dSurname                        // surnames
	dCity                           // cityNames
	dRegion                         // regionNames: countries, states, regions
	dCommon                         // commonNameWords: an ordinary word as well
	dTitle                          // a title before a name: "Professor", "Frau"
	dCue                            // a word announcing a name: "dear", "called"
	dParticle                       // a lower-case particle inside a name: "van", "de"
	dNotName                        // a word after a run that makes it no name: "Street", "Inc"
	dPlaceCue                       // a word before a place: "across", "visit"
	dNameField                      // a form field holding a name: "Name:", "Surname:"
	dStreet                         // a word before the name of a street: "Rue", "Calle", "Via"
	dAddressee                      // a generic addressee: "Customer", "Team"
	dPlaceHead                      // the first word of a place of several words: "new", "rio"
	dGreeting                       // a greeting before a name: "Dear", "Hi"
	dProduct                        // a product or an assistant named like a person: "Claude", "Siri"
	dHonorific                      // an honorific before any name: "Monsieur", "Pani", "Bapak"
	dHonorDot                       // an abbreviated honorific, before a name after its full stop: "Dott."
	dSignOff                        // a closing before a signature: "Regards", "Sincerely"
	dNameSuffix                     // joined by a hyphen after a name: "san" of "Tanaka-san"
	dPlaceNoun                      // a noun before "of" and a place: "city", "village"
	dResidence                      // a word before "in", "to", "from" and a place: "lives", "born"
	dPlacePrefix                    // the first word of many places' names: "Lake", "Port", "San"
	dThingField                     // a word before "name:" that names a thing: "Prompt", "Branch"
	dDayPart                        // a greeting only after "good": "Morning" ("Morning Star")
	dOpener                         // an ordinary word that often opens a sentence: "Okay", "Run"

	dName  = dGiven | dSurname
	dPlace = dCity | dRegion
)

// titleWords are titles and ranks written before a name; the name's span
// leaves them out (as the usual NER labels do). personTriggers holds the
// short forms that may end in a full stop ("Dr."). Royal titles are left
// out: they start as many names of ships, brands and songs ("Queen Mary",
// "Princess Cruises") as of people.
var titleWords = []string{"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame",
	"madam", "madame", "mx", "herr", "frau", "sr", "sra", "srta", "mme", "mlle", "signor",
	"signora", "senor", "senora", "dona", "dom", "doctor", "president", "senator", "governor",
	"judge", "justice", "captain", "capt", "colonel", "col", "lieutenant", "lt", "sergeant", "sgt",
	"officer", "detective", "inspector", "agent", "coach", "father", "fr", "sister", "brother",
	"rev", "reverend", "rabbi", "imam", "pastor", "bishop", "uncle", "aunt", "auntie", "grandma",
	"grandpa", "mayor", "minister", "chancellor", "councillor", "councilman", "councilwoman",
	"nurse", "ambassador"}

// cueWords announce a name right after them: "Dear Okafor", "called
// Smith", "ask Nguyen". Prepositions ("by", "with") are no cue: firms are
// named after people ("designed by Garcia").
var cueWords = []string{"dear", "hi", "hello", "hey", "thanks", "thank", "regards", "sincerely",
	"cheers", "signed", "cc", "called", "named", "ask", "asked", "tell", "told", "contact",
	"contacted", "call", "meet", "met", "email", "emailed", "attn", "attention", "love", "yours",
	"married", "son", "daughter", "wife", "husband", "friend", "colleague", "patient"}

// placeCueWords come before a place, like locationTriggers ("in",
// "from", "to", "at", "near").
var placeCueWords = []string{"of", "across", "around", "throughout", "outside", "inside", "within",
	"via", "into", "through", "towards", "toward", "between", "visit", "visited", "visiting",
	"leave", "left", "leaving", "reach", "reached", "entered", "flew", "fly", "flying", "drove",
	"relocated", "relocating", "moving", "en", "nach", "aus", "desde", "para", "por"}

// nameFieldWords label a form's field that holds a name ("Name: ...").
var nameFieldWords = []string{"name", "surname", "forename", "fullname", "firstname", "lastname",
	"nombre", "apellido", "apellidos", "nom", "prenom", "vorname", "nachname", "nome", "cognome",
	"naam", "navn", "imie", "nazwisko", "attn", "attention", "cc", "bcc", "sender", "recipient",
	"author", "patient", "employee", "student", "applicant", "candidate", "signed", "witness",
	"guardian", "cardholder", "beneficiary", "tenant", "landlord", "assignee", "requester",
	"reporter", "passenger", "spouse", "doctor", "physician"}

// greetingWords open a letter or a message: "Dear Okafor,".
var greetingWords = []string{"dear", "dearest", "hi", "hello", "hey", "hiya", "greetings", "morning",
	"evening", "afternoon", "hallo", "hola", "bonjour", "ciao", "salut", "liebe", "lieber", "querida",
	"querido", "caro", "cara", "cher", "chere"}

// nameParticles are the lower-case words inside a name or place: "Rio de
// Janeiro", "Ludwig van Beethoven".
var nameParticles = []string{"de", "da", "di", "del", "della", "do", "dos", "das", "du", "van",
	"von", "der", "den", "ter", "ten", "la", "le", "bin", "binti", "ibn", "al", "el", "y", "zu"}

// notNameWords after a run make it an organisation, a street or a
// building rather than a person or a place.
var notNameWords = []string{"inc", "llc", "ltd", "corp", "corporation", "co", "plc", "gmbh", "ag",
	"sa", "srl", "group", "holdings", "company", "partners", "associates", "foundation", "institute",
	"university", "college", "school", "academy", "hospital", "clinic", "bank", "capital", "labs",
	"systems", "technologies", "solutions", "industries", "enterprises", "ventures", "media",
	"street", "st", "road", "rd", "avenue", "ave", "boulevard", "blvd", "lane", "ln", "drive",
	"way", "court", "ct", "place", "square", "plaza", "park", "bridge", "hall", "center", "centre",
	"building", "tower", "airport", "station", "stadium", "river", "lake", "mountain", "mount",
	"county", "valley", "beach", "island", "islands", "bay", "hotel", "restaurant", "cafe", "museum",
	"church", "cathedral", "times", "post", "journal", "news", "prize", "award", "act", "law"}

// streetWords come before the name of a street in many languages ("Rue
// Victor Hugo", "Calle Mayor", "ul. Piotra Skargi").
var streetWords = []string{"rue", "calle", "carrer", "avenida", "av", "avda", "rua", "travessa",
	"via", "viale", "corso", "piazza", "largo", "vicolo", "strada", "boulevard", "bd", "bvd",
	"chemin", "allee", "impasse", "quai", "place", "plaza", "paseo", "camino", "ul", "ulica",
	"aleja", "ulitsa", "prospekt", "pr", "cesta", "utca", "strasse", "gasse", "platz", "weg",
	"straat", "laan", "gata", "gatan", "vej", "gade", "vei", "sokak", "caddesi", "jalan", "jl", "duong",
	"pho", "calzada", "carretera", "avenue", "ave", "street", "st", "road", "rd"}

// addresseeWords are the generic addressees after "Dear", "Hi": no names.
var addresseeWords = []string{"customer", "customers", "team", "all", "everyone", "everybody", "colleague", "colleagues",
	"friend", "friends", "member", "members", "valued", "user", "users", "client", "clients",
	"support", "world", "there", "folks", "guys", "reader", "readers", "applicant", "candidate",
	"hiring", "recruiter", "admissions", "editor", "editors", "manager", "team", "staff",
	"parents", "parent", "students", "student", "mom", "dad", "mum", "mother", "grandma", "honey"}

// productWords are products, assistants, programming languages and tools
// named like people ("Claude", "Siri", "Alexa", "Watson", "Jenkins"):
// alone, or before words other than a known surname ("Claude Code",
// "Watson Studio"), they are no person but after a title or in "my name
// is" ("Dr. Watson").
var productWords = []string{"alexa", "bard", "bixby", "chanel", "claude", "copilot", "cortana",
	"dior", "django", "ferrari", "gemini", "grok", "gucci", "hermes", "jarvis", "jenkins",
	"lamborghini", "llama", "mercedes", "mistral", "ollama", "porsche", "prada", "sage", "siri",
	"tesla", "watson"}

// honorificWords come before a name in many languages ("Monsieur Dupont",
// "Pani Kowalska", "Bapak Hartono", "Shri Sharma") and, like "Mr.", take
// any capitalised words after them; honorDotWords are abbreviations that
// do so only with their full stop ("Dott. Bianchi", "Dhr. de Vries").
var honorificWords = []string{"bapak", "bayan", "bwana", "encik", "froken", "fru", "gospodin",
	"gospozha", "herra", "ibu", "juffrouw", "kyria", "kyrios", "madame", "mademoiselle",
	"meneer", "messieurs", "messrs", "mevrouw", "mister", "monsieur", "neiti", "pani", "panna",
	"puan", "rouva", "sayin", "senhor", "senhora", "senhorita", "senor", "senora", "senorita",
	"shri", "shrimati", "signorina", "tuan"}

var honorDotWords = []string{"avv", "dhr", "dott", "dottssa", "hr", "ing", "mevr", "mgr", "mw",
	"sig", "sigra", "smt", "sres", "srta"}

// signOffWords close a letter before the signature ("Best regards,\nAna
// Lima"); "thank you" is checked apart.
var signOffWords = []string{"atentamente", "best", "cheers", "cordialement", "cordially",
	"faithfully", "gratefully", "greetings", "groeten", "grusse", "gruss", "hilsen", "love",
	"pozdrawiam", "regards", "respectfully", "saludos", "saluti", "sincerely", "thanks", "truly",
	"warmly", "wishes", "xoxo", "yours"}

// nameSuffixWords follow a name after a hyphen: "Tanaka-san", "Kim-ssi",
// "Gandhi-ji".
var nameSuffixWords = []string{"chan", "dono", "ji", "kun", "nim", "sama", "san", "sahib",
	"senpai", "sensei", "ssi"}

// placeNounWords come before "of" and the name of a place: "the city of
// Tarnów", "the village of Ashby".
var placeNounWords = []string{"archipelago", "borough", "canton", "capital", "cities", "citizens",
	"city", "commune", "county", "district", "emirate", "governor", "hamlet", "inhabitants",
	"island", "islands", "kingdom", "mayor", "metropolis", "municipality", "natives", "oblast",
	"outskirts", "people", "prefecture", "principality", "province", "region", "republic",
	"residents", "state", "streets", "suburb", "suburbs", "territory", "town", "towns", "village",
	"villages"}

// residenceWords come before "in", "to", "from", "near" and a place:
// "lives in", "moved to", "hails from", "the weather in". "grew up in"
// and the like are checked apart.
var residenceWords = []string{"arrive", "arrived", "arriving", "based", "born", "citizen",
	"citizens", "commute", "commuting", "departed", "departing", "driving", "drove", "emigrate",
	"emigrated", "flew", "flight", "flights", "fly", "flying", "hail", "hailing", "hails",
	"headquartered", "holiday", "holidays", "hometown", "honeymoon", "hotel", "hotels", "immigrate",
	"immigrated", "journeyed", "landed", "live", "lived", "lives", "living", "located", "moved",
	"native", "natives", "originally", "relocate", "relocated", "relocating", "reside", "resided",
	"resident", "residents", "resides", "residing", "sailed", "settled", "situated", "stationed",
	"stay", "stayed", "staying", "stays", "tour", "touring", "tourist", "tourists", "travel",
	"traveled", "traveling", "travelled", "travelling", "travels", "trip", "trips", "vacation",
	"vacationing", "visit", "visited", "visiting", "weather"}

// placePrefixWords start the names of many places: "North Bay", "Lake
// Placid", "Port Moresby", "Fort Worth", "San Marcos".
var placePrefixWords = []string{"east", "fort", "lake", "los", "las", "mount", "north", "port",
	"saint", "san", "santa", "south", "west"}

// openerWords are ordinary words that often open a sentence before a
// capitalised word: interjections and imperatives ("Okay Vargas", "Run
// Newman", "Welcome Garcia").
var openerWords = []string{"actually", "add", "also", "anyway", "besides", "check",
	"congratulations", "create", "dear", "finally", "find", "get", "go", "great", "here", "however",
	"install", "later", "let", "look", "luckily", "make", "maybe", "meanwhile", "meet", "nice",
	"no", "now", "obviously", "oh", "ok", "okay", "open", "perhaps", "read", "recently", "run",
	"sadly", "say", "see", "so", "sorry", "start", "sure", "thank", "thankfully", "then", "there",
	"today", "tomorrow", "tonight", "try", "unfortunately", "use", "visit", "welcome", "well",
	"what", "when", "where", "who", "why", "wow", "write", "yes", "yesterday"}

// thingFieldWords before "name:" make the field the name of a thing, not
// of a person: "Prompt name:", "Branch name:", "Project Name:".
var thingFieldWords = []string{"album", "app", "application", "attribute", "book", "bot",
	"branch", "brand", "bucket", "business", "campaign", "category", "channel", "class",
	"cluster", "column", "company", "component", "container", "course", "database", "dataset",
	"directory", "dish", "document", "domain", "element", "endpoint", "environment", "event",
	"extension", "feature", "field", "file", "film", "folder", "font", "function", "game",
	"group", "host", "icon", "image", "index", "item", "job", "key", "label", "method", "model",
	"module", "movie", "network", "node", "organisation", "organization", "package", "page",
	"parameter", "plugin", "product", "project", "prompt", "property", "queue", "recipe",
	"report", "repo", "repository", "resource", "restaurant", "route", "schema", "screen",
	"section", "server", "service", "shop", "site", "skill", "song", "store", "table", "tag",
	"task", "team", "template", "theme", "tool", "topic", "variable", "volume", "website",
	"workflow"}

// dict is nameDict: a set of lower-case words and phrases, looked up with
// ASCII letters folded to lower case and Latin letters with diacritics
// folded to their base letter ("Łukasz" finds "lukasz"), each with the
// flags of the lists that hold it. Open addressing with linear probing
// over indexes into words (0 = empty slot). Read-only once built.
type dict struct {
	slots []uint16
	mask  uint32
	words []string
	flags []uint32
}

var (
	nameDictOnce sync.Once
	nameDictSet  dict
)

// nameDict returns the dictionary of names and places, built on first use:
// guards that do not scan PERSON or LOCATION (the default) never pay for
// its memory.
func nameDict() *dict {
	nameDictOnce.Do(func() {
		lists := []struct {
			words []string
			flag  uint32
		}{
			{dictEntries(givenNames), dGiven}, {dictEntries(surnames), dSurname},
			{dictEntries(cityNames), dCity}, {dictEntries(regionNames), dRegion},
			{dictEntries(commonNameWords), dCommon}, {titleWords, dTitle},
			{cueWords, dCue}, {nameParticles, dParticle}, {notNameWords, dNotName},
			{placeCueWords, dPlaceCue}, {addresseeWords, dAddressee}, {streetWords, dStreet},
			{greetingWords, dGreeting}, {nameFieldWords, dNameField},
			{productWords, dProduct}, {honorificWords, dHonorific | dTitle},
			{honorDotWords, dHonorDot | dTitle}, {signOffWords, dSignOff},
			{nameSuffixWords, dNameSuffix}, {placeNounWords, dPlaceNoun},
			{residenceWords, dResidence}, {placePrefixWords, dPlacePrefix},
			{thingFieldWords, dThingField}, {[]string{"afternoon", "evening", "morning"}, dDayPart},
			{openerWords, dOpener},
		}
		// The first words of the places of several words ("new" of "new
		// york"): only runs that start with one are looked up whole.
		var heads []string
		for _, l := range lists[2:4] {
			for _, w := range l.words {
				if i := strings.IndexByte(w, ' '); i > 0 {
					heads = append(heads, w[:i])
				}
			}
		}
		lists = append(lists, struct {
			words []string
			flag  uint32
		}{heads, dPlaceHead})
		n := 0
		for _, l := range lists {
			n += len(l.words)
		}
		size := 1
		for size < 2*n {
			size *= 2
		}
		d := dict{slots: make([]uint16, size), mask: uint32(size - 1)}
		for _, l := range lists {
			for _, w := range l.words {
				h := foldHash(w) & d.mask
				for {
					k := d.slots[h]
					if k == 0 {
						d.words = append(d.words, w)
						d.flags = append(d.flags, l.flag)
						d.slots[h] = uint16(len(d.words))
						break
					}
					if d.words[k-1] == w {
						d.flags[k-1] |= l.flag
						break
					}
					h = (h + 1) & d.mask
				}
			}
		}
		nameDictSet = d
	})
	return &nameDictSet
}

// dictEntries splits a list of words_dict.go (entries each ended by a comma).
func dictEntries(list string) []string {
	return strings.Split(strings.TrimSuffix(list, ","), ",")
}

// lookup returns the flags of w (0 if it is in no list). A word with
// bytes >= 0x80 is folded first (foldLatin); one that does not fold is in
// no list.
func (d *dict) lookup(w string) uint32 {
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			var buf [48]byte
			if b, ok := foldLatin(w, &buf); ok {
				return dictLookup(d, b)
			}
			return 0
		}
	}
	return dictLookup(d, w)
}

func dictLookup[S ~string | ~[]byte](d *dict, w S) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint32(lowerByte(w[i]))) * 16777619
	}
	for h &= d.mask; ; h = (h + 1) & d.mask {
		k := d.slots[h]
		if k == 0 {
			return 0
		}
		if e := d.words[k-1]; len(e) == len(w) {
			i := 0
			for i < len(w) && lowerByte(w[i]) == e[i] {
				i++
			}
			if i == len(w) {
				return d.flags[k-1]
			}
		}
	}
}

// latinFold maps U+00C0..U+017F to the lower-case ASCII letter a reader
// would write without the diacritic ('_': not a letter, no match).
// foldLatin writes a second letter for æ, ß, þ and œ.
const latinFold = "aaaaaaaceeeeiiiidnooooo_ouuuuytsaaaaaaaceeeeiiiidnooooo_ouuuuyty" +
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooo" +
	"rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"

// foldLatin writes w with its Latin-1 and Latin Extended-A letters folded
// to ASCII into buf. It fails on other multi-byte letters and when the
// result does not fit.
func foldLatin(w string, buf *[48]byte) ([]byte, bool) {
	n := 0
	for i := 0; i < len(w); i++ {
		if n+2 > len(buf) {
			return nil, false
		}
		c := w[i]
		if c < 0x80 {
			buf[n] = c
			n++
			continue
		}
		if c < 0xC3 || c > 0xC5 || i+1 >= len(w) || w[i+1]&0xC0 != 0x80 {
			return nil, false
		}
		cp := int(c-0xC3)<<6 | int(w[i+1]&0x3F) // code point - 0xC0
		i++
		f := latinFold[cp]
		if f == '_' {
			return nil, false
		}
		buf[n] = f
		n++
		switch cp + 0xC0 {
		case 0xC6, 0xE6, 0x152, 0x153: // æ, œ
			buf[n] = 'e'
			n++
		case 0xDF: // ß
			buf[n] = 's'
			n++
		case 0xDE, 0xFE: // þ
			buf[n] = 'h'
			n++
		}
	}
	return buf[:n], true
}

// maxRun is the most tokens a name or place run holds.
const maxRun = 4

// nameRun is a run of capitalised words (tokens) that nameOrPlace weighs.
type nameRun struct {
	s, e  [maxRun]int    // token spans
	f     [maxRun]uint32 // their dictionary flags
	k     int            // tokens
	end   int            // end of the last token
	after word           // the word after the run (s == e: none)
	sep   string         // the text between the run and after
	// notName: a word that makes the run an organisation, a street or a
	// building ends it ("Washington Post", "City Hall").
	notName bool
}

// upperAt returns the length of the capital letter at t[i] (an ASCII
// capital; a Latin-1 or Latin Extended-A one: "Á", "Ł", "Ş"; a Greek or
// Cyrillic one: "Ω", "Ж"), or 0.
func upperAt(t string, i int) int {
	c := t[i]
	if isUpper(c) {
		return 1
	}
	if c == 0xD0 || c == 0xCE {
		if i+1 >= len(t) {
			return 0
		}
		b := t[i+1]
		if c == 0xD0 && b >= 0x80 && b <= 0xAF || // U+0400..U+042F: Ѐ..Я
			c == 0xCE && (b >= 0x91 && b <= 0xA9 && b != 0xA2 || b == 0x86 || b >= 0x88 && b <= 0x8F && b != 0x8B && b != 0x8D) { // Α..Ω, Ά, Έ..Ώ
			return 2
		}
		return 0
	}
	if c < 0xC3 || c > 0xC5 || i+1 >= len(t) || t[i+1]&0xC0 != 0x80 {
		return 0
	}
	cp := 0xC0 + (int(c-0xC3)<<6 | int(t[i+1]&0x3F))
	switch {
	case cp < 0xDF:
		if cp == 0xD7 { // ×
			return 0
		}
		return 2
	case cp >= 0x100 && cp <= 0x137, cp >= 0x14A && cp <= 0x177:
		if cp%2 == 0 {
			return 2
		}
	case cp >= 0x139 && cp <= 0x148, cp >= 0x179 && cp <= 0x17E:
		if cp%2 == 1 {
			return 2
		}
	case cp == 0x178:
		return 2
	}
	return 0
}

// capWord reports whether w is a capitalised word (a capital, then no
// other ASCII capital: not an acronym) that is no stop word, and returns
// its end without a possessive "'s".
func capWord(t string, w word) (int, bool) {
	e := w.e
	if e-w.s > 3 && t[e-2] == '\'' && (t[e-1] == 's' || t[e-1] == 'S') {
		e -= 2
	}
	u := upperAt(t, w.s)
	if e-w.s < 2 || u == 0 || e-w.s <= u {
		return e, false
	}
	for i := w.s + u; i < e; i++ {
		switch c := t[i]; {
		case isUpper(c):
			// ALLCAPS or CamelCase, but for "O'Neil" and "McDonald".
			if i != w.s+2 || t[w.s+1] != '\'' && t[w.s:w.s+2] != "Mc" {
				return e, false
			}
		case c >= 0xC3 && upperAt(t, i) > 0:
			return e, false // "ÉLODIE", "МОСКВА"
		case c == '\'' && i != w.s+1:
			return e, false // "Don't"; "O'Neil" and "D'Angelo" pass
		}
	}
	return e, !stopCaps.has(t[w.s:e])
}

// hyphenated extends the capitalised word ending at e over a hyphen and a
// second capitalised word ("Jean-Pierre", "Garcia-Lopez") and returns the
// new end, the flags of the whole (when both parts are names: the first
// part's given name and common-word flags, the last part's surname) and
// whether it did.
func hyphenated(t string, d *dict, s, e int) (int, uint32, bool) {
	if e+2 >= len(t) || t[e] != '-' || upperAt(t, e+1) == 0 {
		return e, 0, false
	}
	ns, ne := nextWord(t, e+1)
	if ns != e+1 {
		return e, 0, false
	}
	ne2, ok := capWord(t, word{ns, ne})
	if !ok || ne2 != ne {
		return e, 0, false
	}
	// Both parts must be names ("Long-Term", "Floyd-Warshall" are not).
	f1, f2 := d.lookup(t[s:e]), d.lookup(t[ns:ne])
	if f1&dName == 0 || f2&dName == 0 {
		return ne, 0, true
	}
	return ne, f1&(dGiven|dCommon) | f2&dSurname, true
}

// allCaps reports whether w is three or more ASCII capitals.
func allCaps(t string, w word) bool {
	if w.e-w.s < 3 {
		return false
	}
	for i := w.s; i < w.e; i++ {
		if !isUpper(t[i]) {
			return false
		}
	}
	return true
}

// sentenceStart reports whether the word at p begins a sentence (or the
// text): only spaces, quotes and brackets separate it from the start or
// from a full stop, question or exclamation mark, or a line break.
func sentenceStart(t string, p int) bool {
	for p > 0 {
		switch t[p-1] {
		case ' ', '\t', '"', '\'', '(', '[', '*', '-':
			p--
		case '.', '!', '?', '\n', '\r':
			return true
		default:
			return false
		}
	}
	return true
}

// collectRun gathers the run of capitalised words starting with w:
// tokens separated by one or two spaces, or by a lower-case particle
// ("Rio de Janeiro"), at most maxRun. A possessive "'s" ends it.
func collectRun(t string, d *dict, w word, r *nameRun) bool {
	e, ok := capWord(t, w)
	if !ok {
		return false
	}
	r.s[0], r.e[0], r.f[0], r.k = w.s, e, d.lookup(t[w.s:e]), 1
	last := w
	if he, f, ok := hyphenated(t, d, w.s, e); ok {
		r.e[0], r.f[0], e = he, f, he
		last.e = he
	}
	for r.k < maxRun && e == last.e {
		ns, ne := nextWord(t, last.e)
		nw := word{ns, ne}
		if ns >= len(t) || !onlySpaces(t[last.e:ns]) {
			break
		}
		if ne-ns == 1 && isUpper(t[ns]) {
			// An initial ("John F. Kennedy") joins two capitalised words.
			ie := ne
			if ie < len(t) && t[ie] == '.' {
				ie++
			}
			ps, pe := nextWord(t, ie)
			if ps >= len(t) || !onlySpaces(t[ie:ps]) {
				break
			}
			pe2, ok := capWord(t, word{ps, pe})
			if !ok {
				break
			}
			nw, e = word{ps, pe}, pe2
		} else if isLower(t[ns]) && d.lookup(t[ns:ne])&dParticle != 0 {
			// A particle joins two capitalised words.
			ps, pe := nextWord(t, ne)
			if ps >= len(t) || !onlySpaces(t[ne:ps]) {
				break
			}
			pw := word{ps, pe}
			pe2, ok := capWord(t, pw)
			if !ok {
				break
			}
			nw, e = pw, pe2
		} else {
			var ok bool
			if e, ok = capWord(t, nw); !ok {
				break
			}
		}
		f := d.lookup(t[nw.s:e])
		if he, hf, ok := hyphenated(t, d, nw.s, e); ok {
			e, f = he, hf
			nw.e = he
		}
		if f&dNotName != 0 && !(f&dSurname != 0 && r.f[0]&dGiven != 0) {
			// "Washington Post", "City Hall" (but "John Hall").
			r.notName = true
			break
		}
		r.s[r.k], r.e[r.k], r.f[r.k] = nw.s, e, f
		r.k++
		last = nw
	}
	r.end = r.e[r.k-1]
	as, ae := nextWord(t, last.e)
	r.after = word{as, ae}
	r.sep = t[last.e:as]
	return true
}

// nameOrPlace decides whether the capitalised word w starts a person name
// or a place, emits it and returns the end of what it emitted (0: none).
func (s *piiScan) nameOrPlace(w word, skips *skipLog) int {
	t := s.text
	d := nameDict()
	// "UK", "US": places only in capitals, and only inside prose.
	two := w.e-w.s == 2 && (t[w.s:w.e] == "UK" || t[w.s:w.e] == "US")
	if two || allCaps(t, w) {
		// "LONDON", "GERMANY": a known place only; inside prose ("moved
		// to the USA last year") at the default threshold.
		if w.e < len(t) && isWordLetter(t[w.e]) {
			return 0
		}
		if f := d.lookup(t[w.s:w.e]); two || f&dPlace != 0 && f&(dCommon|dName) == 0 {
			rule, conf := "location-dictionary", 0.3
			prev, np := prevWords(t, w.s, skips)
			if np > 0 && t[prev[0].e:w.s] == " " && isLower(t[prev[0].s]) && proseTail(t, w.e) {
				rule, conf = "location-prose", 0.5
			} else if two {
				return 0
			}
			if s.emit(bitLocation, rule, w.s, w.e, conf) {
				return w.e
			}
		}
		return 0
	}
	var r nameRun
	if !collectRun(t, d, w, &r) {
		return 0
	}
	// Joined by a hyphen to a word: a compound or a firm ("Smith-Jones",
	// "Anglo-French"), not a name here.
	if w.s >= 2 && t[w.s-1] == '-' && isWordLetter(t[w.s-2]) {
		return 0
	}
	if r.sep == "-" && r.after.s < r.after.e {
		// But a Japanese or Korean honorific after a name: "Tanaka-san".
		if r.k <= 2 && r.after.e-r.after.s <= 6 && isLower(t[r.after.s]) &&
			(r.after.e == len(t) || t[r.after.e] != '-') && d.lookup(t[r.after.s:r.after.e])&dNameSuffix != 0 &&
			r.f[0]&(dPlace|dTitle|dProduct) == 0 && s.emit(bitPerson, "person-name-suffix", r.s[0], r.end, 0.6) {
			return r.end
		}
		// A known or place-shaped place before "-based", "-born":
		// "Lagos-based", "Port Moresby-born".
		if a := t[r.after.s:r.after.e]; equalFoldASCII(a, "based") || equalFoldASCII(a, "born") {
			f := r.f[0]
			if r.k > 1 {
				f = d.lookup(t[r.s[0]:r.end])
			}
			if f&dPlace != 0 && f&dCommon == 0 || placeShape(t, &r) {
				return s.emitPlace("location-based", r.s[0], r.end, 0.6)
			}
		}
		return 0
	}
	notName := r.notName || r.after.s < r.after.e && onlySpaces(r.sep) && d.lookup(t[r.after.s:r.after.e])&dNotName != 0 ||
		r.sep == " & " || r.sep == ", " && r.after.e-r.after.s <= 4 && d.lookup(t[r.after.s:r.after.e])&dNotName != 0
	// A house number or postcode right before: a street or a postal
	// address ("42 Wallace Street", "75008 Paris"), not a person or place.
	if numberBefore(t, w.s) {
		return 0
	}
	prev, np := prevWords(t, w.s, skips)
	pw := func(k int) string {
		if k >= np {
			return ""
		}
		return t[prev[k].s:prev[k].e]
	}
	gap := func(k int) string {
		if k >= np {
			return ""
		}
		return t[prev[k].e:w.s]
	}
	p0 := pw(0)
	var p0f uint32 // p0's flags
	if np > 0 {
		p0f = d.lookup(p0)
	}
	if p0f&dStreet != 0 {
		return 0 // "Rue Victor Hugo", "Via Giuseppe Verdi"
	}
	start := sentenceStart(t, w.s)
	first := 0
	// A title inside the run ("Professor Kowalski", "President Ruiz")
	// is left out of the name.
	// An honorific ("Mr.", "Frau") before any capitalised words; a rank
	// or a role ("Professor", "Agent", "Coach") only before a known name:
	// "Agent Mode", "Coach Notes" are headings.
	namesFrom := func(i int) bool {
		for ; i < r.k; i++ {
			if r.f[i]&dName != 0 {
				return true
			}
		}
		return false
	}
	names := namesFrom(0)
	title := (personTriggers.has(p0) || p0f&dHonorific != 0) && (gap(0) == ". " || gap(0) == " ") ||
		p0f&dHonorDot != 0 && gap(0) == ". " ||
		p0f&dTitle != 0 && gap(0) == " " && names
	if !title && r.k >= 2 && r.f[0]&dTitle != 0 && r.f[0]&dName == 0 && (namesFrom(1) || r.f[0]&dHonorific != 0) {
		title, first, start = true, 1, false
	}
	// A product or an assistant named like a person ("Claude", "Hey
	// Siri", "Claude Code"), unless a known surname ends the run ("Claude
	// Monet").
	product := r.f[0]&dProduct != 0 && (r.k == 1 || r.f[r.k-1]&dSurname == 0 || r.f[r.k-1]&dCommon != 0)
	// A closing ("Best regards,", "Thanks,") before the run, on the line
	// before it or on the same line: a signature.
	signOff := (p0f&dSignOff != 0 || equalFoldASCII(p0, "you") && equalFoldASCII(pw(1), "thank")) &&
		(signatureGap(gap(0), p0) || gap(0) == ", " && lineHead(t, prev[0].s)) && r.k <= 3 && lineEnd(t, r.end)
	person := func(from int, conf float64, rule string) int {
		if s.emit(bitPerson, rule, r.s[from], r.end, conf) {
			return r.end
		}
		return 0
	}
	switch {
	case title:
		if notName {
			return 0
		}
		return person(first, 0.7, "person-title")
	case equalFoldASCII(p0, "is") && equalFoldASCII(pw(1), "name") && possessives.has(pw(2)):
		return person(0, 0.8, "person-name-is")
	case p0f&dNameField != 0 && (gap(0) == ": " || gap(0) == ":\t") && r.k <= 3 &&
		r.f[0]&(dPlace|dTitle|dAddressee) == 0 && !notName &&
		!(np > 1 && onlySpaces(t[prev[1].e:prev[0].s]) && d.lookup(pw(1))&dThingField != 0) &&
		(isUpper(t[prev[0].s]) || np > 1 && t[prev[1].e:prev[0].s] == " " && isUpper(t[prev[1].s]) || names) && !product:
		// A form's field: "Name: Okafor", "Full name: ...", "Author:" (but
		// the name of a thing: "Prompt name:", "Branch name:"; and a key
		// in lower case, as in YAML or code, only before a known name).
		return person(0, 0.7, "person-name-field")
	case equalFoldASCII(p0, "am") && equalFoldASCII(pw(1), "i") || equalFoldASCII(p0, "i'm"):
		if names && !notName && r.f[0]&dPlace == 0 && !product {
			return person(0, 0.7, "person-i-am")
		}
	case signOff && r.f[0]&(dPlace|dTitle|dAddressee) == 0 && !notName && !product:
		return person(0, 0.55, "person-signature")
	}
	// A known place for the whole run, or for the first tokens.
	pk := 0
	for k := r.k; k >= 1; k-- {
		f := r.f[0]
		if k > 1 {
			if r.f[0]&dPlaceHead == 0 {
				continue
			}
			f = d.lookup(t[r.s[0]:r.e[k-1]])
		}
		if f&dPlace != 0 {
			pk = k
			if k == 1 && (f&dCommon != 0 || f&dName != 0) {
				pk = -1 // "Nice", "Jordan": a place only after "in", "from"...
			}
			break
		}
	}
	// The word before is capitalised too, but no title or cue: a heading
	// or a name of a thing in title case.
	titleCase := np > 0 && gap(0) == " " && upperAt(t, prev[0].s) > 0 && p0f&(dTitle|dCue|dPlaceCue) == 0
	trig := (locationTriggers.has(p0) || p0f&dPlaceCue != 0) && gap(0) == " "
	cue := p0f&dCue != 0 && (gap(0) == " " || gap(0) == ", ")
	if pk == r.k || pk == -1 && r.k == 1 {
		if notName && !trig {
			return 0
		}
		switch {
		case pk > 0 && trig:
			return s.emitPlace("location-trigger", r.s[0], r.end, 0.75)
		case pk > 0 && (regionAfter(t, d, &r) || r.f[0]&dRegion != 0 && gap(0) == ", " && upperAt(t, prev[0].s) > 0 && proseTail(t, r.end)):
			// "Portland, Oregon": a known place before a state or a
			// country, and the state or country after a capitalised word.
			return s.emitPlace("location-region", r.s[0], r.end, regionConf)
		case pk > 0 && inProse(t, &r, start, np > 0 && gap(0) == " " && isLower(t[prev[0].s])):
			// A known place inside a sentence of prose: "Paris is
			// lovely", "the Lagos office", "we loved Lisbon."
			return s.emitPlace("location-prose", r.s[0], r.end, 0.5)
		case pk > 0:
			// A known place without "in", "from"... and outside prose:
			// as often a part of a postal address (a city on its own
			// line, a state after a street), which the usual labels
			// count as the address: reported only below the default
			// threshold.
			return s.emitPlace("location-dictionary", r.s[0], r.end, 0.3)
		case trig:
			return s.emitPlace("location-trigger", r.s[0], r.end, 0.6)
		case cue && r.f[0]&dName != 0 && r.f[0]&dCommon == 0 && !product:
			return person(0, 0.55, "person-cue")
		}
		return 0
	}
	if notName {
		return 0
	}
	// A place by its context: "lives in", "moved to", "grew up in", "the
	// city of" before capitalised words that do not start with a known
	// given name.
	if trig && r.k <= 3 && r.f[0]&(dGiven|dTitle|dProduct|dAddressee) == 0 && placeContext(t, d, &prev, np) {
		return s.emitPlace("location-context", r.s[0], r.end, 0.5)
	}
	// A known given name, then the rest of the run: "Maria Rossi",
	// "Okay Maria Rossi" (the unknown word before it left out). A given
	// name that is an ordinary word ("Will", "Rose") needs a surname after
	// it, or must not start a sentence.
	for i := 0; i < r.k; i++ {
		f := r.f[i]
		if f&dGiven == 0 || f&dPlace != 0 && r.k == 1 || i == 0 && product {
			continue
		}
		more := i+1 < r.k
		if f&dCommon != 0 && !(more && r.f[i+1]&dSurname != 0 && r.f[i+1]&dCommon == 0) {
			continue
		}
		// In a line of capitalised words ("Using Claude Code"), a given
		// name needs a known surname after it.
		if (titleCase || i > 0) && !(more && r.f[r.k-1]&dSurname != 0) {
			continue
		}
		if more {
			return person(i, 0.65, "person-dictionary")
		}
		if i == 0 {
			return person(i, 0.5, "person-given-name")
		}
	}
	// Capitalised words ending in a known surname: "Xochitl Hernandez"
	// (at the start of a sentence only when the first word is no title,
	// cue, opener or ordinary word: "Dear Hernandez", "Okay Hernandez",
	// "Baker Hernandez").
	lastSurname := r.f[r.k-1]&dSurname != 0 && r.f[r.k-1]&dCommon == 0 ||
		r.f[r.k-1]&(dName|dPlace|dCommon|dProduct|dNotName|dTitle) == 0 && surnameShape(t[r.s[r.k-1]:r.e[r.k-1]])
	if r.k >= 2 && lastSurname && r.f[0]&dPlace == 0 && (!start || r.f[0]&dName != 0 ||
		r.f[0]&(dTitle|dCue|dGreeting|dPlaceCue|dCommon|dProduct|dOpener) == 0) {
		return person(0, 0.55, "person-surname")
	}
	// A surname alone inside a sentence, after a lower-case word that is
	// no place trigger: "asked Kowalczyk about it" (not a compound: "the
	// Smith-Jones merger"). A known surname, which is often a firm's or a
	// product's name as well, needs prose after it too.
	if r.k == 1 && lastSurname && r.f[0]&(dCommon|dPlace|dProduct|dTitle) == 0 && !trig &&
		!start && np > 0 && gap(0) == " " && isLower(t[prev[0].s]) && strings.IndexByte(t[r.s[0]:r.end], '-') < 0 &&
		(r.f[0]&dSurname == 0 || inProse(t, &r, false, true)) {
		return person(0, 0.5, "person-lone-surname")
	}
	if cue && names && r.f[0]&dCommon == 0 && !product {
		return person(0, 0.55, "person-cue")
	}
	// After a greeting ("Dear Okafor,", "Hi Zeynep!"): capitalised words
	// but a place or a generic addressee ("Dear Customer", "Hi Team"),
	// then a comma, "!", ":" or the end of the line.
	if p0f&dGreeting != 0 && (gap(0) == " " || gap(0) == ", ") && r.k <= 3 && (p0f&dDayPart == 0 || equalFoldASCII(pw(1), "good")) &&
		r.f[0]&(dPlace|dTitle|dAddressee) == 0 && !product && (r.end == len(t) || strings.IndexByte(",!:\n\r", t[r.end]) >= 0) {
		return person(0, 0.55, "person-greeting")
	}
	if r.k <= 2 && !names {
		// "Springfield, Illinois": a word before a state or country.
		if regionAfter(t, d, &r) {
			return s.emitPlace("location-region", r.s[0], r.end, regionConf)
		}
	}
	// After "in", "from", "to"...: capitalised words shaped like the name
	// of a place ("Lake Placid", "Port Moresby", "Millersville").
	if trig && r.k <= 3 && placeShape(t, &r) {
		return s.emitPlace("location-shape", r.s[0], r.end, 0.5)
	}
	return 0
}

// signatureGap reports whether sep, the text between a closing and a
// run, ends the closing's line: a comma or "!" (optional after "regards"
// and "sincerely", whose only use is closing), then one or two line
// breaks, with spaces or tabs around them ("Regards,\n", "Thanks,\r\n\r\n").
func signatureGap(sep, closing string) bool {
	i := 0
	if i < len(sep) && (sep[i] == ',' || sep[i] == '!') {
		i++
	} else if !equalFoldASCII(closing, "regards") && !equalFoldASCII(closing, "sincerely") {
		return false
	}
	breaks := 0
	for ; i < len(sep); i++ {
		switch sep[i] {
		case '\n':
			breaks++
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return breaks >= 1 && breaks <= 2
}

// lineHead reports whether at most one word and spaces come before p on
// its line ("Kind regards, Ana").
func lineHead(t string, p int) bool {
	for p > 0 && (t[p-1] == ' ' || t[p-1] == '\t') {
		p--
	}
	for p > 0 && isWordLetter(t[p-1]) {
		p--
	}
	for p > 0 && (t[p-1] == ' ' || t[p-1] == '\t') {
		p--
	}
	return p == 0 || t[p-1] == '\n'
}

// lineEnd reports whether only a comma or a full stop and spaces come
// between e and the end of its line (or of the text).
func lineEnd(t string, e int) bool {
	if e < len(t) && (t[e] == ',' || t[e] == '.') {
		e++
	}
	for e < len(t) && (t[e] == ' ' || t[e] == '\t' || t[e] == '\r') {
		e++
	}
	return e == len(t) || t[e] == '\n'
}

// surnameShape reports whether w ends like many surnames of one origin
// and like few other words: "-ov", "-ova", "-ski", "-enko", "-ović",
// "-shvili", "-escu", "-poulos", "-sson" (w has at least five bytes).
func surnameShape(w string) bool {
	if len(w) < 5 {
		return false
	}
	for _, suf := range surnameSuffixes {
		if len(w) > len(suf)+2 && equalFoldASCII(w[len(w)-len(suf):], suf) {
			return true
		}
	}
	return false
}

// surnameSuffixes end surnames of many origins (Slavic, Georgian,
// Armenian, Turkish, Romanian, Greek, Nordic); as folded ASCII, "-ić"
// is written in full ("ic" ends "Atlantic").
var surnameSuffixes = []string{"ov", "ova", "ev", "eva", "ovich", "evich", "ovna", "evna",
	"ovi\xc4\x87", "evi\xc4\x87", "ski", "ska", "sky", "cki", "cka", "enko", "chuk", "czuk",
	"shvili", "adze", "idze", "yan", "oglu", "o\xc4\x9flu", "escu", "poulos", "opoulou", "akis",
	"sson", "dottir", "ov\xc3\xa1", "ez", "anen", "enen", "inen", "onen", "unen", "ynen",
	"\xc3\xa4nen", "zadeh", "nejad", "auskas", "aitis", "icius", "moto", "mura", "kawa", "yama",
	"saki", "zaki", "shima", "elli", "wala", "krishnan", "swamy"}

// inProse reports whether the run stands inside a sentence of prose: at
// the start of a sentence or after a lower-case word (afterLower), and
// followed by a space and a lower-case word, or (after a lower-case word)
// ending the sentence.
func inProse(t string, r *nameRun, start, afterLower bool) bool {
	if !start && !afterLower || r.k == 1 && r.end-r.s[0] <= 3 {
		return false // "Usa" ("usa" is a verb too): only USA in capitals
	}
	e := r.end
	if r.sep == " " && r.after.s < r.after.e && isLower(t[r.after.s]) {
		return true
	}
	return afterLower && e+1 < len(t) && (t[e] == '.' || t[e] == '!' || t[e] == '?') && (t[e+1] == ' ' || t[e+1] == '\n')
}

// regionConf is the confidence of a place before ", <state or country>"
// (and of that state or country) without a trigger word.
const regionConf = 0.5

// regionAfter reports whether ", " and a known state or country that is
// no ordinary word follow the run, and prose after them: "Springfield,
// Illinois is".
func regionAfter(t string, d *dict, r *nameRun) bool {
	if r.sep != ", " || r.after.s >= r.after.e || !isUpper(t[r.after.s]) {
		return false
	}
	f := d.lookup(t[r.after.s:r.after.e])
	return f&dRegion != 0 && f&dCommon == 0 && proseTail(t, r.after.e)
}

// proseTail reports whether the sentence goes on after e with a
// lower-case word, or ends there with a full stop, "!" or "?": prose, not
// the last line of a postal address ("Springfield, Illinois, USA").
func proseTail(t string, e int) bool {
	if e >= len(t) {
		return false
	}
	switch t[e] {
	case '.', '!', '?':
		return true
	case ' ':
		return e+1 < len(t) && isLower(t[e+1])
	}
	return false
}

// placeContext reports whether the words before a run (prev, the latest
// first, as prevWords returns them), the first of which is "in", "to",
// "from" or another place trigger, announce a place: a residence or
// travel word before it ("lives in", "moved to", "hails from", "grew up
// in"), or a noun of places before "of" ("the city of").
func placeContext(t string, d *dict, prev *[3]word, np int) bool {
	if np < 2 || !onlySpaces(t[prev[1].e:prev[0].s]) {
		return false
	}
	p0, p1 := t[prev[0].s:prev[0].e], t[prev[1].s:prev[1].e]
	if equalFoldASCII(p0, "of") {
		return d.lookup(p1)&dPlaceNoun != 0
	}
	if equalFoldASCII(p1, "up") && np == 3 && onlySpaces(t[prev[2].e:prev[1].s]) {
		p1 = t[prev[2].s:prev[2].e] // "grew up in"
	}
	return residenceVerbs.has(p1) || d.lookup(p1)&dResidence != 0
}

// placeShape reports whether the run looks like the name of a place: it
// starts with a word that starts many ("North", "Lake", "Port", "San")
// and has more words, or its last word is no known given name and ends
// like many names of places do ("-ville", "-burg", "-abad").
func placeShape(t string, r *nameRun) bool {
	if r.f[0]&(dTitle|dProduct|dAddressee) != 0 {
		return false
	}
	if r.k >= 2 && r.f[0]&dPlacePrefix != 0 {
		return true
	}
	last := r.k - 1
	if r.f[last]&(dGiven|dCommon|dProduct) != 0 {
		return false
	}
	w := t[r.s[last]:r.e[last]]
	for _, suf := range placeSuffixes {
		if len(w) >= len(suf)+3 && equalFoldASCII(w[len(w)-len(suf):], suf) {
			return true
		}
	}
	return false
}

// placeSuffixes end many names of towns and cities.
var placeSuffixes = []string{"ville", "burg", "burgh", "borough", "bury", "berg", "chester",
	"caster", "cester", "field", "ford", "port", "mouth", "haven", "stad", "furt", "shire",
	"ton", "town", "wick", "worth", "stead", "dorf", "hausen", "heim", "stadt", "ingen", "grad",
	"gorod", "abad", "pur", "pura", "puram", "nagar", "polis", "ham"}

// numberBefore reports whether a run of digits (possibly ending in a
// letter: "221B") ends right before p, one space apart.
func numberBefore(t string, p int) bool {
	j := p - 1
	if j < 1 || t[j] != ' ' {
		return false
	}
	j--
	if isUpper(t[j]) || isLower(t[j]) {
		j--
	}
	return j >= 0 && isDigit(t[j])
}

// inAddress reports whether the place at [s, e) is part of a postal
// address: a state code and a zip code follow it ("Springfield, IL
// 62704"), or a house number and a street come before
// it in the same sentence ("221B Baker Street, London"). The usual NER
// labels make the whole address one span, not a place.
func inAddress(t string, s, e int) bool {
	n := len(t)
	i := e
	if i < n && t[i] == ',' {
		i++
	}
	if i < n && t[i] == ' ' {
		i++
	}
	state := false
	if i+1 < n && isUpper(t[i]) && isUpper(t[i+1]) && (i+2 == n || !isWordLetter(t[i+2])) {
		i += 2 // a state code
		state = true
		for i < n && (t[i] == ' ' || t[i] == ',') {
			i++
		}
	}
	d := i
	for d < n && isDigit(t[d]) {
		d++
	}
	// Five digits alone (not a year, not part of a longer number), or
	// four or more after a state code.
	if state && d-i >= 4 && (d == n || !isAlnum(t[d])) {
		return true
	}
	// Back over the sentence (at most 80 bytes) for a number followed by
	// a capitalised word.
	if s < 2 || t[s-2] != ',' {
		return false
	}
	lo := max(0, s-80)
	for j := s - 2; j > lo; j-- {
		switch c := t[j]; {
		case c == '\n' || c == '!' || c == '?':
			return false
		case c == '.':
			// A full stop ends the sentence unless it ends a short
			// abbreviation ("St.", "Ave.", "Apt.").
			k := j
			for k > lo && isAlpha(t[k-1]) {
				k--
			}
			if j-k == 0 || j-k > 4 {
				return false
			}
		case isDigit(c) && j+2 < n && (t[j+1] == ' ' && isUpper(t[j+2]) || isAlpha(t[j+1]) && t[j+2] == ' '):
			return true
		}
	}
	return false
}

func (s *piiScan) emitPlace(rule string, start, end int, conf float64) int {
	if inAddress(s.text, start, end) {
		return 0
	}
	if s.emit(bitLocation, rule, start, end, conf) {
		return end
	}
	return 0
}
