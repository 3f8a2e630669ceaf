package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

type piiCase struct {
	text string
	want []string // "KIND:value" for every finding of kind (all kinds when kind is "")
}

// runPIICases checks that PII finds exactly want among findings of kind.
func runPIICases(t *testing.T, kind Kind, cases []piiCase) {
	t.Helper()
	for _, c := range cases {
		var got []string
		for _, f := range PII(c.text, nil, nil) {
			if f.Kind == kind {
				got = append(got, c.text[f.Start:f.End])
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s in %q: got %q, want %q", kind, c.text, got, c.want)
		}
	}
}

func TestPIIEmail(t *testing.T) {
	runPIICases(t, KindEmail, []piiCase{
		{"mail me at jane.doe+tag@example.co.uk.", []string{"jane.doe+tag@example.co.uk"}},
		{"a@xn--d1acufc.xn--p1ai and b@c.io", []string{"a@xn--d1acufc.xn--p1ai", "b@c.io"}},
		{"info@presidio.", nil},
		{"twitter @handle and a@b", nil},
		{"user@-bad.com", nil},
		{"x@host.c0m", nil},
	})
}

func TestPIIURLCredentials(t *testing.T) {
	runPIICases(t, KindURLCredentials, []piiCase{
		{"db: postgres://admin:s3cr3t@db.internal:5432/app", []string{"admin:s3cr3t"}},
		{"https://user@example.com/", nil}, // no password
		{"see https://example.com/a:b@c", nil},
	})
	// The userinfo is not also reported as an e-mail address.
	runPIICases(t, KindEmail, []piiCase{{"ftp://joe:pw@files.example.com", nil}})
}

func TestPIIPhone(t *testing.T) {
	runPIICases(t, KindPhone, []piiCase{
		{"Call me at (415) 555-0132 or +1 415 555 0132.", []string{"(415) 555-0132", "+1 415 555 0132"}},
		{"UK mobile: +44 7700 900123", []string{"+44 7700 900123"}},
		{"DE: +49 30 1234567, FR: +33 1 42 68 53 00", []string{"+49 30 1234567", "+33 1 42 68 53 00"}},
		{"ES +34 612 345 678, IT +39 06 678 4343", []string{"+34 612 345 678", "+39 06 678 4343"}},
		{"IN +91 98765 43210, AU +61 2 9876 5432, SG +65 6123 4567", []string{"+91 98765 43210", "+61 2 9876 5432", "+65 6123 4567"}},
		{"phone: 07700 900123", []string{"07700 900123"}},
		{"call 345-899-3560x4587 today", []string{"345-899-3560x4587"}},
		// Dates, times, versions, amounts, IPs and order numbers are not phones.
		{"on 2021-05-21 10:30 we met", nil},
		{"meeting 12/03/2021 at 5", nil},
		{"version 10.2.33.4", nil},
		{"it costs $415 555 0132", nil},
		{"Order number 415-555-0132", nil},
		{"ratio 1:2:3:4", nil},
		{"invoice total 1,234,567.89", nil},
		{"ip 192.168.100.200", nil},
		{"+0 123 456 789", nil},
	})
}

func TestPIICreditCard(t *testing.T) {
	runPIICases(t, KindCreditCard, []piiCase{
		{"4012888888881881 4012-8888-8888-1881 4012 8888 8888 1881", []string{"4012888888881881", "4012-8888-8888-1881", "4012 8888 8888 1881"}},
		{"amex 3714 496353 98431", []string{"3714 496353 98431"}},
		{"card 5555555555554444", []string{"5555555555554444"}},
		{"4012-8888-8888-1882", nil},    // Luhn fails
		{"4012-8888 8888-1881", nil},    // mixed separators
		{"9111111111111111", nil},       // Luhn-valid length but no issuer
		{"1748503543012", nil},          // 13 digits, no issuer
		{"Order 4111111111111111", nil}, // context says it is a reference
	})
}

func TestPIIIBAN(t *testing.T) {
	runPIICases(t, KindIBAN, []piiCase{
		{"IBAN: DE89 3704 0044 0532 0130 00.", []string{"DE89 3704 0044 0532 0130 00"}},
		{"GB82WEST12345698765432 and gb82west12345698765432", []string{"GB82WEST12345698765432", "gb82west12345698765432"}},
		{"DE89 3704 0044 0532 0130 01", nil}, // mod-97 fails
		{"DE89370400440532013000X", nil},     // too long
		{"XX89370400440532013000", nil},      // unknown country
		{"Gb82WEST12345698765432", nil},      // mixed case
	})
	// mod97 against the definition (the number read as decimal digits,
	// letters as 10..35, modulo 97), on every one-character change of
	// valid IBANs.
	for _, iban := range []string{"DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606", "NO9386011117947"} {
		for i := 0; i < len(iban); i++ {
			for _, c := range []byte("0123456789ABCZ") {
				b := []byte(iban)
				b[i] = c
				num := new(big.Int)
				for _, x := range append(b[4:], b[:4]...) {
					v := int64(x - '0')
					if isUpper(x) {
						num.Mul(num, big.NewInt(10))
						v = int64(x-'A') + 10
					}
					num.Mul(num, big.NewInt(10)).Add(num, big.NewInt(v))
				}
				want := new(big.Int).Mod(num, big.NewInt(97)).Int64() == 1
				if got := mod97(b); got != want {
					t.Fatalf("mod97(%s) = %v, want %v", b, got, want)
				}
			}
		}
	}
}

func TestPIISSN(t *testing.T) {
	runPIICases(t, KindUSSSN, []piiCase{
		{"SSN 078-05-1123", []string{"078-05-1123"}},
		{"my ssn is 536221234", []string{"536221234"}},
		{"078-05-1120", nil}, // Woolworth
		{"000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000", nil},
		{"693-09.4444", nil},
		{"tracking 536221234", nil},
	})
}

func TestPIIIP(t *testing.T) {
	runPIICases(t, KindIPAddress, []piiCase{
		{"from 192.168.1.1, 10.0.0.0/8 and 2001:db8::1", []string{"192.168.1.1", "10.0.0.0/8", "2001:db8::1"}},
		{"::ffff:192.0.2.1 fe80::1%eth0 [::1]:80", []string{"::ffff:192.0.2.1", "fe80::1%eth0", "::1"}},
		{"256.1.1.1 192.168.1 1.2.3 01.2.3.4", nil},
		{"12:34:56 std::cout a::b 2001::db8::1 12345:db8::1", nil},
		{"release v1.2.3.4, version 1.2.3.4", nil},
		{"aa:bb:cc:dd:ee:ff", nil},
	})
}

func TestPIIMAC(t *testing.T) {
	runPIICases(t, KindMACAddress, []piiCase{
		{"MAC 00:1A:2B:3C:4D:5E, 01-23-45-67-89-ab, 0012.3456.789a", []string{"00:1A:2B:3C:4D:5E", "01-23-45-67-89-ab", "0012.3456.789a"}},
		{"00:1A:2B:3C:4D 10:2F:33-AC-29-C3 FF:FF:FF:FF:FF:FF 00:00:00:00:00:00", nil},
	})
}

func TestPIICrypto(t *testing.T) {
	runPIICases(t, KindCrypto, []piiCase{
		{"btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", []string{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"}},
		{"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", []string{"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}},
		{"bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", []string{"bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"}},
		{"eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", []string{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}},
		{"eth 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", []string{"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"}},
		{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", nil}, // EIP-55 case wrong
		{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", nil},         // checksum
		{"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr", nil},
		{"BC1Qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", nil}, // mixed case
	})
}

func TestPIINationalIDs(t *testing.T) {
	cases := []struct {
		kind Kind
		cs   []piiCase
	}{
		{KindUKNHS, []piiCase{{"NHS 401-023-2137", []string{"401-023-2137"}}, {"NHS 401-023-2138", nil}}},
		{KindESNIF, []piiCase{{"DNI 12345678Z y 55555555-K", []string{"12345678Z", "55555555-K"}}, {"12345678A", nil}}},
		{KindESNIE, []piiCase{{"NIE X9613851N, Y8063915-Z", []string{"X9613851N", "Y8063915-Z"}}, {"Y8063915Q", nil}}},
		{KindITFiscalCode, []piiCase{{"CF RSSMRA85T10A562S", []string{"RSSMRA85T10A562S"}}, {"RSSMRA85T10A562T", nil}}},
		{KindINAadhaar, []piiCase{{"aadhaar 3123 4567 8909", []string{"3123 4567 8909"}}, {"1234 5678 9012", nil}}},
		{KindINPAN, []piiCase{{"PAN ABCPD1234Z", []string{"ABCPD1234Z"}}, {"ABCD1234", nil}}},
		{KindAUTFN, []piiCase{{"TFN 876 543 210", []string{"876 543 210"}}, {"TFN 824 753 557", nil}}},
		{KindAUABN, []piiCase{{"ABN 51 824 753 556", []string{"51 824 753 556"}}, {"52 824 753 556", nil}}},
		{KindAUACN, []piiCase{{"ACN 005 499 981", []string{"005 499 981"}}, {"ACN 005 499 982", nil}}},
		{KindAUMedicare, []piiCase{{"Medicare 2123 45670 1", []string{"2123 45670 1"}}, {"Medicare 2123 25870 1", nil}}},
		{KindSGNRIC, []piiCase{{"NRIC S2740116C", []string{"S2740116C"}}, {"S2740116D", nil}}},
	}
	for _, c := range cases {
		runPIICases(t, c.kind, c.cs)
	}
}

func TestPIIDateOfBirth(t *testing.T) {
	runPIICases(t, KindDateOfBirth, []piiCase{
		{"I was born on 12 March 1990 in Rome", []string{"12 March 1990"}},
		{"DOB: 1990-03-12", []string{"1990-03-12"}},
		{"date of birth 03/12/1990.", []string{"03/12/1990"}},
		{"geboren am 12.03.1990", []string{"12.03.1990"}},
		{"born March 12, 1990", []string{"March 12, 1990"}},
		{"the meeting on 12 March 1990", nil}, // no birth context
		{"born 13/13/1990", nil},
	})
}

func TestPIIPersonLocation(t *testing.T) {
	runPIICases(t, KindPerson, []piiCase{
		{"Hi, my name is Alice Johnson and I work here.", []string{"Alice Johnson"}},
		{"Please ask Dr. Okonkwo.", []string{"Okonkwo"}},
		{"Maria Rossi called.", []string{"Maria Rossi"}},
		{"The Quick Brown fox.", nil},
		// A title before, or as the first word of the run (left out).
		{"We spoke to Frau Brandtner yesterday.", []string{"Brandtner"}},
		{"The talk by Professor Kowalczyk starts soon.", []string{"Kowalczyk"}},
		{"Later Princess Cruises sailed.", nil}, // royal titles are no cue
		// A known given name, then capitalised words; initials, particles
		// and hyphens inside; the unknown word before it left out.
		{"I met John F. Kennedy there.", []string{"John F. Kennedy"}},
		{"a painting by Vincent van Gogh", []string{"Vincent van Gogh"}},
		{"ask Jean-Pierre Dubois", []string{"Jean-Pierre Dubois"}},
		{"Okay Maria Rossi, go.", []string{"Maria Rossi"}},
		// Diacritics fold for the lookup; capitals beyond ASCII continue a run.
		{"the file of José Álvarez", []string{"José Álvarez"}},
		{"Please send it to Anna Łukasiewicz today.", []string{"Anna Łukasiewicz"}},
		// A single known given name, not a common word.
		{"I talked to Priya yesterday.", []string{"Priya"}},
		// Given names that are common words need a second cue.
		{"Will you come? May I ask?", nil},
		{"The Rose garden.", nil},
		{"We met Will Smith there.", []string{"Will Smith"}},
		// Capitalised word(s) ending in a known surname, not at a sentence start.
		{"the report from Xiomara Hernandez arrived", []string{"Xiomara Hernandez"}},
		{"Okay Vargas", nil}, // no given name, starts the text
		// Cues need a known name after them.
		{"Dear Okafor, thanks.", []string{"Okafor"}},
		{"Dear Customer, thanks.", nil},
		// Organisations, streets and compounds are not persons.
		{"She works at Garcia LLC now.", nil},
		{"He lives on Jackson Street.", nil},
		{"at 42 Maria Lane", nil},
		{"the Smith-Jones merger", nil},
		{"read the Washington Post", nil},
		// A rank or role needs a known name after it; headings in title
		// case and hyphenated non-names are no names.
		{"Switch to Agent Mode now.", nil},
		{"Ask Coach Garcia.", []string{"Garcia"}},
		{"See the Using Claude Code guide.", nil},
		{"a Long-Term plan", nil},
		{"a Floyd-Warshall run", nil},
		// A greeting takes any capitalised words before a comma.
		{"Hi Zeynepgul, thanks.", []string{"Zeynepgul"}},
		{"Please contact Information Services.", nil},
		// A form's name field takes any capitalised words.
		{"Name: Zeynepgul Oktay\nPhone: none", []string{"Zeynepgul Oktay"}},
		{"Name: Customer Service", nil},
		{"Name: Berlin", nil},
		// Possessive "'s" is not part of the name.
		{"It is Maria Rossi's car.", []string{"Maria Rossi"}},
	})
	runPIICases(t, KindLocation, []piiCase{
		{"She lives in Springfield now, near London.", []string{"Springfield", "London"}},
		{"Apple is great", nil},
		// A known place after in, from, to, at, near, of, across...
		{"We flew from Berlin to Buenos Aires.", []string{"Berlin", "Buenos Aires"}},
		{"She moved to São Paulo.", []string{"São Paulo"}},
		{"trips across Bavaria", []string{"Bavaria"}},
		{"He grew up in Rio de Janeiro.", []string{"Rio de Janeiro"}},
		// A place that is also a name or a common word needs the trigger.
		{"Jordan said no. Nice work.", nil},
		{"We drove to Jordan and to Nice.", []string{"Jordan", "Nice"}},
		// Without a trigger a place is below the default threshold (it is
		// as often part of a postal address), but inside prose.
		{"Ship to:\nBerlin\n", nil},
		{"Berlin is lovely.", []string{"Berlin"}},
		{"we loved Lisbon. Then", []string{"Lisbon"}},
		{"the Lagos office", []string{"Lagos"}},
		{"Usa uma linguagem", nil}, // three letters: USA only in capitals
		// A known place in capitals inside prose; "UK" and "US" only there.
		{"she moved to the USA last year", []string{"USA"}},
		{"sold in the US market", []string{"US"}},
		{"US markets rose", nil},
		{"PLEASE TALK TO US", nil},
		// Not a person's name either.
		{"in Garcia LLC", nil},
	})
	// Below the default threshold, a known place without a trigger and an
	// all-capitals one are reported.
	low := &PIIOptions{MinConfidence: 0.3, Kinds: []Kind{KindLocation}}
	for text, want := range map[string]string{"Ship to:\nBerlin\n": "Berlin", "SHIP TO: 1 MAIN ST, SEATTLE": "SEATTLE"} {
		got := PII(text, nil, low)
		if len(got) != 1 || text[got[0].Start:got[0].End] != want {
			t.Errorf("%q at 0.3: got %+v, want %q", text, got, want)
		}
	}
}

// TestPIINameCues covers each cue of the name and place scanner beyond
// the dictionaries: products named like people, capitals beyond ASCII,
// honorifics of other languages, name suffixes, signatures, and the
// context and shape of places.
func TestPIINameCues(t *testing.T) {
	runPIICases(t, KindPerson, []piiCase{
		// Products and assistants named like people are no persons...
		{"Ask Claude to summarise this text.", nil},
		{"Hey Siri, set a timer.", nil},
		{"Thanks, Cortana!", nil},
		{"I use Claude Code every day.", nil},
		{"Use Watson Studio for it.", nil},
		{"Then ask Alexa to play it.", nil},
		{"Hey Jarvis, lights on.", nil},
		{"we compared Gemini and Claude today", nil},
		{"Regards,\nSiri", nil},
		// ... but after a title or "my name is", or before a known surname.
		{"Then Dr. Watson arrived.", []string{"Watson"}},
		{"my name is Claude Dupont", []string{"Claude Dupont"}},
		{"a painting by Claude Dupont", []string{"Claude Dupont"}},
		// A capital beyond ASCII starts a run: Latin, Cyrillic, Greek.
		{"Élodie Martin called.", []string{"Élodie Martin"}},
		{"then Łukasz Nowak left", []string{"Łukasz Nowak"}},
		{"my name is Ödön Horváth", []string{"Ödön Horváth"}},
		{"Dear Иван,", []string{"Иван"}},
		{"ask Mr. Петров today", []string{"Петров"}},
		{"my name is Иван Петров.", []string{"Иван Петров"}},
		{"Dear Νίκος,", []string{"Νίκος"}},
		{"Dear МОСКВА,", nil}, // all capitals: an acronym or a heading
		// Honorifics of other languages take any capitalised words;
		// abbreviations only with their full stop.
		{"Monsieur Zabeth est là.", []string{"Zabeth"}},
		{"Please call Pani Kowalska.", []string{"Kowalska"}},
		{"Dott. Zanichelli will see you.", []string{"Zanichelli"}},
		{"Ask the HR Manager.", nil},
		// A Japanese or Korean honorific joined by a hyphen.
		{"I met Zabeth-san yesterday.", []string{"Zabeth"}},
		{"the Zabeth-Martin merger", nil},
		// A signature after a closing.
		{"See you soon.\nBest regards,\nZeynepgul Oktay", []string{"Zeynepgul Oktay"}},
		{"Thank you,\r\n\r\nOkwudili\r\n", []string{"Okwudili"}},
		{"Kind regards, Okwudili", []string{"Okwudili"}},
		{"Thanks,\nThe Team", nil},
		{"Regards,\nCustomer Service", nil},
		{"Regards,\nClaude", nil},
		{"thanks, Okwudili said, and left", nil}, // not the end of a line
		// A known surname alone inside a sentence, not at its start nor
		// after a place trigger.
		{"We asked Kowalczyk about it.", []string{"Kowalczyk"}},
		{"data from sources like Nielsen), and", nil}, // a known surname alone needs prose after it
		{"Kowalczyk asked.", nil},
		{"We drove to Kowalczyk.", nil},
		// Words ending in a known surname start a sentence, unless the
		// first word opens sentences ("Okay", "Run").
		{"Xiomara Hernandez called.", []string{"Xiomara Hernandez"}},
		{"Run Hernandez in CI.", nil},
		{"Yesterday Zorba Hernandez called.", []string{"Zorba Hernandez"}},
		// A surname by its ending, in a run or alone inside a sentence.
		{"We asked Zabolotnov about it.", []string{"Zabolotnov"}},
		{"a talk by Zorba Kaczmarski today", []string{"Zorba Kaczmarski"}},
		{"then Aino Lehtinen wrote", []string{"Aino Lehtinen"}},
		{"the Atlantic Ocean", nil},
		{"für seine Schülerinnen und", nil},
		// The name of a thing in a form's field; a part of the day is a
		// greeting only after "good".
		{"Prompt Name: Food Scout\nVersion: 2", nil},
		{"Full name: Zeynepgul Oktay", []string{"Zeynepgul Oktay"}},
		{"Author: Zeynepgul Oktay", []string{"Zeynepgul Oktay"}},
		{"steps:\n  - name: Run Analysis\nname: Context Grammar", nil}, // YAML keys
		{"name: Maria Okafor", []string{"Maria Okafor"}},
		{"Author: Claude (Anthropic)", nil},
		{"Bullish: Morning Star, Hammer", nil},
		{"Good morning Zeynepgul!", []string{"Zeynepgul"}},
	})
	runPIICases(t, KindLocation, []piiCase{
		// A residence or travel word before "in", "to", "from".
		{"He lives in Zgorzelec now.", []string{"Zgorzelec"}},
		{"She grew up in Ballymena.", []string{"Ballymena"}},
		{"They moved to Xanthi last year.", []string{"Xanthi"}},
		{"He hails from Ballymena.", []string{"Ballymena"}},
		// A noun of places before "of".
		{"the city of Xanthi", []string{"Xanthi"}},
		{"the history of Xanthi", nil},
		{"the people of Xanthi", []string{"Xanthi"}},
		{"We flew to Ballymena.", []string{"Ballymena"}},
		// A known or place-shaped place before "-based", "-born".
		{"a Lagos-based firm", []string{"Lagos"}},
		{"the Zorbaville-born painter", []string{"Zorbaville"}},
		{"a Cloud-based tool", nil},
		// "<City>, <State or country>" in prose, not ending an address.
		{"a brand from Zorbaville, Illinois. It", []string{"Zorbaville", "Illinois"}},
		{"Zgorzelec, Poland is lovely", []string{"Zgorzelec", "Poland"}},
		{"Zgorzelec, Poland, EU", nil},
		// The shape of a place's name after a place trigger.
		{"We flew to Port Hedland.", []string{"Port Hedland"}},
		{"a farm near Zorbaville", []string{"Zorbaville"}},
		{"written in Python", nil},
		{"I work in Marketing.", nil},
		// No place: a known given name, a title, a product.
		{"He moved to Maria's flat.", nil},
		{"He moved to Claude.", nil},
	})
}

func TestFoldLatin(t *testing.T) {
	var buf [48]byte
	for in, want := range map[string]string{"José": "Jose", "Łukasz": "lukasz", "Straße": "Strasse", "Ærø": "aero", "Çelik": "celik", "Şahin": "sahin"} {
		b, ok := foldLatin(in, &buf)
		if !ok || !strings.EqualFold(string(b), want) {
			t.Errorf("foldLatin(%q) = %q, %v; want %q", in, b, ok, want)
		}
	}
	for _, in := range []string{"Москва", "北京", strings.Repeat("é", 60)} {
		if _, ok := foldLatin(in, &buf); ok {
			t.Errorf("foldLatin(%q) folded", in)
		}
	}
	d := nameDict()
	if f := d.lookup("JOSÉ"); f&dGiven == 0 {
		t.Errorf("lookup(JOSÉ) = %b, want a given name", f)
	}
	if f := d.lookup("São Paulo"); f&dCity == 0 {
		t.Errorf("lookup(São Paulo) = %b, want a city", f)
	}
	if f := d.lookup("Zzyzx"); f != 0 {
		t.Errorf("lookup(Zzyzx) = %b, want 0", f)
	}
}

func TestUpperAt(t *testing.T) {
	for s, want := range map[string]int{"A": 1, "a": 0, "Á": 2, "á": 0, "Ł": 2, "ł": 0, "Ş": 2, "ş": 0, "Ž": 2, "ž": 0, "×": 0, "Ÿ": 2, "é": 0,
		"Ж": 2, "Ё": 2, "ж": 0, "ё": 0, "Ω": 2, "Ά": 2, "ω": 0, "ά": 0, "\xce": 0, "\xd0": 0} {
		if got := upperAt(s, 0); got != want {
			t.Errorf("upperAt(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestPIIOptions(t *testing.T) {
	text := "mail jane@example.com, card 4111 1111 1111 1111, ssn 536221234"
	got := PII(text, nil, &PIIOptions{Kinds: []Kind{KindEmail}})
	if len(got) != 1 || got[0].Kind != KindEmail {
		t.Fatalf("Kinds filter: got %+v", got)
	}
	all := PII(text, nil, &PIIOptions{MinConfidence: 0.01})
	def := PII(text, nil, nil)
	if len(all) < len(def) {
		t.Fatalf("a lower threshold found fewer: %d < %d", len(all), len(def))
	}
	strict := PII(text, nil, &PIIOptions{MinConfidence: 0.99})
	for _, f := range strict {
		if f.Confidence < 0.99 {
			t.Fatalf("finding below threshold: %+v", f)
		}
	}
	// dst is appended to, not overwritten.
	pre := []Finding{{Kind: "X"}}
	out := PII(text, pre, nil)
	if out[0].Kind != "X" || len(out) != 1+len(def) {
		t.Fatalf("append contract broken: %+v", out)
	}
}

func TestKeccak256(t *testing.T) {
	cases := map[string]string{
		"":    "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
		"abc": "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
	}
	for in, want := range cases {
		got := keccak256([]byte(in))
		if hex.EncodeToString(got[:]) != want {
			t.Errorf("keccak256(%q) = %x, want %s", in, got, want)
		}
	}
	long := []byte(strings.Repeat("a", 200)) // more than one block
	a, b := keccak256(long), keccak256(long[:199])
	if a == b {
		t.Error("keccak256 ignores input past the first block")
	}
}

func TestDictionariesSorted(t *testing.T) {
	for name, list := range map[string]string{"givenNames": givenNames, "surnames": surnames,
		"regionNames": regionNames, "cityNames": cityNames, "commonNameWords": commonNameWords} {
		if !strings.HasSuffix(list, ",") {
			t.Errorf("%s does not end with a comma", name)
		}
		l := dictEntries(list)
		for _, w := range l {
			for i := 0; i < len(w); i++ {
				if c := w[i]; !isLower(c) && (c != ' ' || i == 0 || i == len(w)-1 || w[i-1] == ' ') {
					t.Errorf("%s: %q is not lower-case ASCII words separated by single spaces", name, w)
					break
				}
			}
		}
		for i := 1; i < len(l); i++ {
			if l[i-1] >= l[i] {
				t.Errorf("%s not sorted/unique at %q, %q", name, l[i-1], l[i])
			}
		}
	}
}

// checkFindings asserts the PII output contract on any input.
func checkFindings(t *testing.T, text string, fs []Finding) {
	t.Helper()
	for i, f := range fs {
		if f.Start < 0 || f.End > len(text) || f.Start >= f.End {
			t.Fatalf("span out of range: %+v (len %d)", f, len(text))
		}
		if !utf8.RuneStart(text[f.Start]) || (f.End < len(text) && !utf8.RuneStart(text[f.End])) {
			t.Fatalf("span not on UTF-8 boundaries: %+v in %q", f, text)
		}
		if f.Confidence < 0 || f.Confidence > 1 {
			t.Fatalf("confidence out of range: %+v", f)
		}
		if i > 0 && fs[i-1].Start > f.Start {
			t.Fatalf("findings not sorted: %+v", fs)
		}
		for _, g := range fs[:i] {
			if g.Kind == f.Kind && g.Start < f.End && f.Start < g.End {
				t.Fatalf("overlapping %s findings: %+v, %+v in %q", f.Kind, g, f, text)
			}
		}
	}
}

// TestPIIOptionsPrepare: options that went through Prepare find exactly
// what the same options find unprepared, for every kind alone, random sets
// of kinds (with unknown names among them), all kinds and none; and
// Prepare again after Kinds changed follows the change.
func TestPIIOptionsPrepare(t *testing.T) {
	texts := []string{benchPrompt, "mail jane@example.com, card 4111 1111 1111 1111, ssn 536221234",
		"born 12 March 1990, Élodie Ünal lives in Paris; 2001:db8::192.168.1.1/96 00:1A:2B:3C:4D:5E",
		"postgres://u:p@h DE89 3704 0044 0532 0130 00 RSSMRA85T10A562S ABCDE1234F S1234567D"}
	sets := [][]Kind{nil, {}, kindBits[:], {"NOT_A_KIND"}}
	for _, k := range kindBits {
		sets = append(sets, []Kind{k})
	}
	rng := rand.New(rand.NewSource(1))
	for range 64 {
		var ks []Kind
		for _, k := range kindBits {
			if rng.Intn(3) == 0 {
				ks = append(ks, k)
			}
		}
		if rng.Intn(4) == 0 {
			ks = append(ks, "UNKNOWN")
		}
		sets = append(sets, ks)
	}
	for _, ks := range sets {
		for _, minConf := range []float64{0, 0.01, 0.9} {
			plain := PIIOptions{MinConfidence: minConf, Kinds: ks}
			prep := plain
			prep.Prepare()
			for _, text := range texts {
				want := PII(text, nil, &plain)
				if got := PII(text, nil, &prep); !slices.Equal(got, want) {
					t.Fatalf("kinds %v, min %v: prepared %+v, unprepared %+v", ks, minConf, got, want)
				}
			}
		}
	}
	o := PIIOptions{Kinds: []Kind{KindEmail}}
	o.Prepare()
	o.Kinds = []Kind{KindCreditCard}
	o.Prepare()
	got := PII(texts[1], nil, &o)
	if len(got) != 1 || got[0].Kind != KindCreditCard {
		t.Fatalf("Prepare after changing Kinds: %+v", got)
	}
}

func FuzzPII(f *testing.F) {
	f.Add(benchPrompt)
	for _, s := range []string{"", "::", "+1 (415) 555-0132x12", "a@b.co", "DE89 3704 0044 0532 0130 00",
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "2001:db8::192.168.1.1/96", "born 12 March 1990",
		"my name is Élodie Ünal", "Dear Иван,\nBest regards,\nΝίκος Tanaka-san", "lives in Port Zorbaville", "postgres://u:p@h", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "\xff@\xfe.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		opt := PIIOptions{MinConfidence: 0.01}
		fs := PII(text, nil, &opt)
		checkFindings(t, text, fs)
		opt.Kinds = []Kind{KindEmail, KindPhone, KindDateOfBirth}
		plain := PII(text, nil, &opt)
		opt.Prepare()
		if prep := PII(text, nil, &opt); !slices.Equal(prep, plain) {
			t.Fatalf("prepared %+v, unprepared %+v", prep, plain)
		}
	})
}

// benchPrompt is a 2 KB prompt mixing prose with PII of most kinds.
var benchPrompt = func() string {
	p := `Hello, my name is Alice Johnson and I live in Springfield. Please update my account:
email alice.johnson@example.com, phone +1 (415) 555-0132, backup 020 7946 0958.
Card 4111 1111 1111 1111 exp 12/27, IBAN DE89 3704 0044 0532 0130 00, SSN 078-05-1123.
The server at 192.168.10.24 and 2001:db8::8a2e:370:7334 (MAC 00:1A:2B:3C:4D:5E) failed on
2024-03-05 10:30 after upgrading to version 1.2.3; order 5531-2231 costs $1,299.00.
Send BTC to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 or ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.
I was born on 12 March 1990. My NHS number is 401 023 2137 and my DNI 12345678Z.
`
	filler := "The quarterly report covers revenue, churn and hiring across the three regions we serve. "
	for len(p) < 2048 {
		p += filler
	}
	return p[:2048]
}()

func TestPIIBenchPrompt(t *testing.T) {
	fs := PII(benchPrompt, nil, nil)
	checkFindings(t, benchPrompt, fs)
	kinds := map[Kind]bool{}
	for _, f := range fs {
		kinds[f.Kind] = true
	}
	for _, k := range []Kind{KindEmail, KindPhone, KindCreditCard, KindIBAN, KindUSSSN, KindIPAddress,
		KindMACAddress, KindCrypto, KindDateOfBirth, KindPerson, KindUKNHS, KindESNIF} {
		if !kinds[k] {
			t.Errorf("bench prompt: no %s found; findings %+v", k, fs)
		}
	}
}

// base58CheckBig is base58Check written plainly with math/big, the
// reference for TestBase58Check.
func base58CheckBig(tok string) bool {
	v := new(big.Int)
	for i := 0; i < len(tok); i++ {
		d := strings.IndexByte(base58Alphabet, tok[i])
		if d < 0 {
			return false
		}
		v.Mul(v, big.NewInt(58))
		v.Add(v, big.NewInt(int64(d)))
	}
	if v.BitLen() > 200 {
		return false
	}
	var b [25]byte
	v.FillBytes(b[:])
	ones := len(tok) - len(strings.TrimLeft(tok, "1"))
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	if ones != zeros || b[0] != 0 && b[0] != 5 {
		return false
	}
	h := sha256.Sum256(b[:21])
	h = sha256.Sum256(h[:])
	return string(h[:4]) == string(b[21:])
}

func TestBase58Check(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	valid := []string{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"}
	var cases []string
	for _, v := range valid {
		if !base58Check(v) {
			t.Errorf("base58Check(%q) = false", v)
		}
		for i := 0; i < 2000; i++ { // one or two characters changed
			b := []byte(v)
			for k := 0; k < 1+r.Intn(2); k++ {
				b[r.Intn(len(b))] = base58Alphabet[r.Intn(58)]
			}
			cases = append(cases, string(b))
		}
	}
	for i := 0; i < 5000; i++ { // random, including values past 25 bytes
		b := make([]byte, 26+r.Intn(10))
		for k := range b {
			b[k] = base58Alphabet[r.Intn(58)]
		}
		if r.Intn(4) == 0 {
			b[0] = '1'
		}
		cases = append(cases, string(b))
	}
	cases = append(cases, strings.Repeat("z", 35), strings.Repeat("1", 30), "11111111111111111111111111111111")
	for _, c := range cases {
		if got, want := base58Check(c), base58CheckBig(c); got != want {
			t.Errorf("base58Check(%q) = %v, want %v", c, got, want)
		}
	}
}

// TestContextWords checks the shared word table: every word of every list
// is found (in any ASCII case) with the bits of exactly the lists that
// hold it, and words that are in no list are not found.
// TestScanContextMask checks the bit-mask scan of context windows against
// the byte loop, on every window of up to ctxMaskWindow bytes of texts
// with context words at every offset, words cut by the window's edges or
// running past it, multi-byte letters and the text's ends.
func TestScanContextMask(t *testing.T) {
	texts := []string{benchPrompt, guardBenchPrompt,
		"card: 4111 1111 1111 1111 visa, order ref 12; Téléphone +33 1 23 45 67 89 (portable) iban",
		"phonephone call-me tel:+1 cell/mobile x invoice#12 ssn_ ssn's aadhaar's numéro",
		"a", "", "supercalifragilisticexpialidocious phone supercalifragilistic"}
	for _, w := range ctxDict.entries {
		texts = append(texts, w.word, "x "+w.word+" y", strings.ToUpper(w.word)+"1")
	}
	for _, text := range texts {
		s := piiScan{text: text}
		for from := -3; from <= len(text); from++ {
			for to := from; to <= from+ctxMaskWindow; to++ {
				for _, mid := range []int{from, (from + to) / 2, to} {
					a1, t1 := s.scanContext(from, mid, to)
					lo, hi := max(from, 0), min(to, len(text))
					var a2, t2 uint64
					if lo < hi {
						a2, t2 = s.scanContextBytes(lo, mid, hi)
					}
					if a1 != a2 || t1 != t2 {
						t.Fatalf("%q [%d:%d:%d]: mask %b/%b, bytes %b/%b", text, from, mid, to, a1, t1, a2, t2)
					}
				}
			}
		}
	}
}

// TestKindBits checks the kind set behind PIIOptions.Kinds: every kind PII
// reports has its own bit, and other names have none.
func TestKindBits(t *testing.T) {
	var seen kindSet
	for i, k := range kindBits {
		b := kindBit(k)
		if b != 1<<i || seen&b != 0 {
			t.Errorf("kindBit(%s) = %b, want %b", k, b, 1<<i)
		}
		seen |= b
	}
	if seen != allKinds {
		t.Errorf("bits %b, want %b", seen, allKinds)
	}
	for _, k := range []Kind{"", "email", "EMAI", "EMAILS", "SECRET", "PHONE ", "X"} {
		if b := kindBit(k); b != 0 {
			t.Errorf("kindBit(%q) = %b, want 0", k, b)
		}
	}
	if m := kindMask([]Kind{KindPhone, "NOPE", KindLocation, KindPhone}); m != bitPhone|bitLocation {
		t.Errorf("kindMask = %b", m)
	}
	// A Kinds list naming only unknown kinds scans nothing.
	if got := PII("mail jane@example.com", nil, &PIIOptions{Kinds: []Kind{"NOPE"}}); len(got) != 0 {
		t.Errorf("unknown kind: got %+v", got)
	}
}

func TestContextWords(t *testing.T) {
	lists := map[string]wordList{"cardWords": cardWords.wordList, "negativeNumberWords": negativeNumberWords.wordList,
		"phoneWords": phoneWords.wordList, "stopCaps": stopCaps, "monthNames": monthNames, "ipWords": ipWords.wordList,
		"emailWords": emailWords.wordList, "locationTriggers": locationTriggers, "ibanWords": ibanWords.wordList}
	for _, e := range ctxDict.entries {
		upper := strings.Map(func(r rune) rune { // ASCII only, as the lookup folds
			if r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			return r
		}, e.word)
		for _, w := range []string{e.word, upper, upper[:1] + e.word[1:]} {
			if !ctxDict.mayHold(w) || contextWordLists(w) != e.lists {
				t.Errorf("%q: lists %b, want %b", w, contextWordLists(w), e.lists)
			}
			// The windows' scan must look up every word of a context list.
			if e.lists&ctxDict.ctxLists != 0 && !ctxDict.sketchHas(w) {
				t.Errorf("%q of a context list fails sketchHas", w)
			}
		}
	}
	for name, l := range map[string]string{"cardWords": "visa", "negativeNumberWords": "ORDER", "phoneWords": "Téléphone",
		"stopCaps": "The", "monthNames": "märz", "ipWords": "from", "locationTriggers": "from", "emailWords": "E-Mail"} {
		if wl := lists[name]; !wl.has(l) {
			t.Errorf("%s does not have %q", name, l)
		}
	}
	for _, w := range []string{"visas", "x", "ordering", "tele", "mär", "", "quarterly", "TÉLÉPHONE"} {
		if w != "" && contextWordLists(w) != 0 {
			t.Errorf("%q found in lists %b", w, contextWordLists(w))
		}
	}
	if ctxDict.ctxLists&cardWords.bit == 0 || ctxDict.ctxLists&stopCaps.bit != 0 {
		t.Error("context lists mask wrong")
	}
	if ibanWords.has("from") || locationTriggers.has("iban") {
		t.Error("a word found in a list that does not hold it")
	}
}

// TestWordPrefilters checks that the words scanWords drops before looking
// at them (stopCapAt, dobPair) could never start a finding.
func TestWordPrefilters(t *testing.T) {
	for _, c := range []struct {
		text string
		stop bool
	}{
		{"The end", true}, {"I am", true}, {"Please,", true}, {"Hospital.", true}, {"The", true},
		{"Theo", false}, {"The's", false}, {"THE", false}, {"Born", false}, {"Thé", false},
		{"University", false}, // longer than eight letters: left to capWord
	} {
		if _, ok := stopCapAt(c.text, 0); ok != c.stop {
			t.Errorf("stopCapAt(%q) = %v, want %v", c.text, ok, c.stop)
		}
	}
	texts := []string{benchPrompt, "Born in Paris. The Né née nacido Geboren DOB: bi bo do ge na n", "I Am The Dr A B"}
	for _, w := range stopCapWords {
		texts = append(texts, strings.ToUpper(w[:1])+w[1:]+" x")
	}
	for _, text := range texts {
		for q := 0; q < len(text); q++ {
			if q > 0 && isWordLetter(text[q-1]) || !isWordLetter(text[q]) {
				continue
			}
			ws, we := nextWord(text, q)
			w := text[ws:we]
			if isUpper(text[q]) {
				if e, ok := stopCapAt(text, q); ok && (e != we || capWordOK(text, word{ws, we}) || dobWords.has(w)) {
					t.Errorf("stopCapAt drops %q in %q", w, text)
				}
			} else if dobWords.has(w) && !dobPair(text, q) {
				t.Errorf("dobPair drops %q", w)
			}
		}
	}
	n := 0
	for _, e := range ctxDict.entries {
		if e.lists&dobWords.bit != 0 {
			n++
			// dobWords folds ASCII letters only.
			up := []byte(e.word)
			for i := range up {
				up[i] = upperByte(up[i])
			}
			for _, w := range []string{e.word, string(up[:1]) + e.word[1:], string(up)} {
				if !dobWords.has(w) || !dobPair(w+" ", 0) {
					t.Errorf("dobPair(%q) = false", w)
				}
			}
		}
	}
	if n < 10 {
		t.Fatalf("found %d birth words", n)
	}
}

// capWordOK is capWord's verdict alone.
func capWordOK(t string, w word) bool { _, ok := capWord(t, w); return ok }
