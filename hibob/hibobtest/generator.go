package hibobtest

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// emailDomain is reserved for documentation, so sample addresses reach no
// one.
const emailDomain = "example.com"

// firstEmployeeID is the id of the CEO of a sample company. The ids of the
// others follow at a fixed stride, so every id has 19 digits.
const (
	firstEmployeeID = 3332883804594373380
	employeeIDStep  = 104729
	managerChain    = 9
)

// personName is a name and its ASCII form for e-mail addresses.
type personName struct {
	given, family           string
	givenASCII, familyASCII string
	// familyFirst writes the family name first, as in "山田 太郎".
	familyFirst bool
}

var (
	givenNames = []string{
		"James", "Maria", "José", "Ana", "Ólafur", "Zoë", "Søren", "Émilie", "Łukasz", "Chloé",
		"Björn", "Siobhán", "Mateus", "Aoife", "François", "Jürgen", "Noémie", "Raúl", "Iñaki",
		"Małgorzata", "Priya", "Aarav", "Fatima", "Oluwaseun", "Kwame", "Liam", "Emma", "Noah",
		"Olivia", "Lucas", "Sofia", "Mia", "Ethan", "Grace", "Ben", "Hannah", "David", "Sarah",
		"Tomás", "Ngozi", "Mary-Jane", "Jean-Luc",
	}
	familyNames = []string{
		"Smith", "García", "Müller", "Łukasiewicz", "Sigurðsson", "O'Brien", "Nguyễn", "Dubois",
		"Rossi", "Kowalski", "Johansson", "Silva", "Santos", "Novák", "Horváth", "Jensen",
		"Ó Súilleabháin", "van der Berg", "De la Cruz", "Brown", "Taylor", "Wilson", "Patel",
		"Okafor", "Mensah", "Andersen", "Schmidt", "Fernández", "Martínez", "Lopez", "Cohen",
		"Murphy", "Byrne", "Müller-Łukasiewicz", "Wójcik", "Østergaard", "Þórsdóttir", "Çelik",
		"D'Angelo", "Abu-Bakr",
	}
	// nonLatinNames carry their own romanisation for the e-mail address.
	nonLatinNames = []personName{
		{given: "太郎", family: "山田", givenASCII: "taro", familyASCII: "yamada", familyFirst: true},
		{given: "花子", family: "佐藤", givenASCII: "hanako", familyASCII: "sato", familyFirst: true},
		{given: "伟", family: "王", givenASCII: "wei", familyASCII: "wang", familyFirst: true},
		{given: "지훈", family: "김", givenASCII: "jihoon", familyASCII: "kim", familyFirst: true},
		{given: "Иван", family: "Петров", givenASCII: "ivan", familyASCII: "petrov"},
		{given: "Αλέξανδρος", family: "Παπαδόπουλος", givenASCII: "alexandros", familyASCII: "papadopoulos"},
		{given: "محمد", family: "العلي", givenASCII: "mohammed", familyASCII: "alali"},
	}
	// fixedNames are given to the employees right after the manager chain,
	// so that every sample has them.
	fixedNames = []personName{
		latinName("José", "Müller-Łukasiewicz"),
		nonLatinNames[0],
		latinName("Ólafur", "Sigurðsson"),
		latinName("Siobhán", "O'Brien"),
		latinName("Ana", "Silva"),
	}
)

func latinName(given, family string) personName {
	return personName{given: given, family: family, givenASCII: asciiLocalPart(given), familyASCII: asciiLocalPart(family)}
}

func (n personName) display() string {
	if n.familyFirst {
		return n.family + " " + n.given
	}
	return n.given + " " + n.family
}

// transliteration maps the accented letters of the sample names to ASCII.
var transliteration = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "æ", "ae",
	"ç", "c", "ć", "c", "č", "c", "ð", "d", "é", "e", "è", "e", "ê", "e", "ë", "e", "ễ", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i", "ł", "l", "ñ", "n", "ń", "n",
	"ó", "o", "ò", "o", "ô", "o", "ö", "o", "õ", "o", "ø", "o", "ś", "s", "š", "s", "ß", "ss",
	"þ", "th", "ú", "u", "ù", "u", "û", "u", "ü", "u", "ý", "y", "ź", "z", "ż", "z", "ž", "z",
	"ğ", "g", "ş", "s", "ı", "i",
)

// asciiLocalPart lowercases a name, replaces accented letters and keeps
// letters, digits, apostrophes and hyphens, so "O'Brien" stays "o'brien".
func asciiLocalPart(name string) string {
	name = transliteration.Replace(strings.ToLower(name))
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '\'', r == '-':
			return r
		default:
			return -1
		}
	}, name)
}

type generator struct {
	rng   *rand.Rand
	today time.Time
	// usedLocal contains the local parts in use, and suffixes the last
	// number tried for each plain local part.
	usedLocal map[string]bool
	suffixes  map[string]int
}

func newGenerator(rng *rand.Rand, today time.Time, size int) *generator {
	return &generator{rng: rng, today: today, usedLocal: make(map[string]bool, size), suffixes: map[string]int{}}
}

func (g *generator) date(daysFromToday int) string {
	return g.today.AddDate(0, 0, daysFromToday).Format(dateLayout)
}

func (g *generator) randomName() personName {
	if g.rng.IntN(10) == 0 {
		return nonLatinNames[g.rng.IntN(len(nonLatinNames))]
	}
	return latinName(givenNames[g.rng.IntN(len(givenNames))], familyNames[g.rng.IntN(len(familyNames))])
}

// email returns an unused address for a name, adding a number when the
// plain address is taken.
func (g *generator) email(n personName) string {
	base := n.givenASCII + "." + n.familyASCII
	local := base
	for suffix := max(g.suffixes[base], 1); g.usedLocal[local]; {
		suffix++
		g.suffixes[base] = suffix
		local = base + strconv.Itoa(suffix)
	}
	g.usedLocal[local] = true
	return local + "@" + emailDomain
}

func employeeID(index int) string {
	return strconv.FormatInt(firstEmployeeID+int64(index)*employeeIDStep, 10)
}

// newPerson returns an active employee with a random department, site,
// title, start date and mentoring interest.
func (g *generator) newPerson(index int, name personName, managerID string) *Person {
	site := sites[g.rng.IntN(len(sites))]
	p := &Person{
		ID:              employeeID(index),
		FirstName:       name.given,
		Surname:         name.family,
		DisplayName:     name.display(),
		Email:           g.email(name),
		Title:           individualTitles[g.rng.IntN(len(individualTitles))],
		Department:      departmentIDs[g.rng.IntN(len(departmentIDs))],
		Site:            site.name,
		SiteID:          site.id,
		StartDate:       g.date(-30 - g.rng.IntN(4000)),
		ManagerID:       managerID,
		EmployeeNumber:  int64(index) + 1,
		Status:          "Active",
		LifecycleStatus: "employed",
		Contract:        "315000001",
		EmploymentType:  "316000001",
	}
	if g.rng.IntN(5) == 0 {
		p.Contract = "315000002"
	}
	if g.rng.IntN(8) == 0 {
		p.EmploymentType = "316000002"
	}
	switch g.rng.IntN(4) {
	case 1:
		p.MentoringInterest = "Mentor"
	case 2:
		p.MentoringInterest = "Mentee"
	case 3:
		p.MentoringInterest = "Both"
	}
	return p
}

// people generates the employees: the tree first, then titles by role,
// then the irregular records on people without reports.
func (g *generator) people(size int) []*Person {
	people := make([]*Person, size)
	for i := range people {
		name := g.randomName()
		if i > managerChain && i <= managerChain+len(fixedNames) {
			name = fixedNames[i-managerChain-1]
		}
		managerIndex := -1
		switch {
		case i == 0:
		case i <= managerChain:
			// A chain under the CEO guarantees a depth of 9.
			managerIndex = i - 1
		default:
			managerIndex = g.rng.IntN(i)
		}
		managerID := ""
		if managerIndex >= 0 {
			managerID = people[managerIndex].ID
		}
		p := g.newPerson(i, name, managerID)
		if managerIndex >= 0 && g.rng.IntN(5) != 0 {
			// Most people work in their manager's department.
			p.Department = people[managerIndex].Department
		}
		people[i] = p
	}

	hasReports := make(map[string]bool, size)
	for _, p := range people {
		hasReports[p.ManagerID] = true
	}
	var leaves []*Person
	for i, p := range people {
		if hasReports[p.ID] {
			p.Title = managerTitles[g.rng.IntN(len(managerTitles))]
		} else if i > managerChain+len(fixedNames) {
			leaves = append(leaves, p)
		}
	}
	people[0].Title = ceoTitle
	people[0].StartDate = g.date(-5000)

	g.rng.Shuffle(len(leaves), func(i, j int) { leaves[i], leaves[j] = leaves[j], leaves[i] })
	g.addIrregularRecords(people, leaves)
	return people
}

// addIrregularRecords turns some people without reports into the records
// that a sync must handle with care. leaves is shuffled, so the choice
// depends on the seed.
func (g *generator) addIrregularRecords(people []*Person, leaves []*Person) {
	next := 0
	take := func() *Person {
		p := leaves[next]
		next++
		return p
	}

	// Ana Silva, one of the fixed names, uses a plus address.
	people[managerChain+5].Email = "ana+hr@" + emailDomain

	rehire := take()
	rehire.TerminationDate = g.date(-400)
	rehire.StartDate = g.date(-200)

	future := take()
	future.StartDate = g.date(30)
	future.LifecycleStatus = "hired"

	take().Email = ""

	first, second := take(), take()
	second.Email = first.Email

	archivedDepartment := take()
	archivedDepartment.Department = legacySupportDepartment
	archivedTitle := take()
	archivedTitle.Title = webmasterTitle

	// About 4% of the company has left.
	terminated := max(2, len(people)/25)
	for range terminated {
		p := take()
		p.Status = "Inactive"
		p.LifecycleStatus = "terminated"
		start, _ := time.Parse(dateLayout, p.StartDate)
		days := int(g.today.Sub(start).Hours() / 24)
		p.TerminationDate = g.date(-1 - g.rng.IntN(max(1, days-1)))
	}
}
