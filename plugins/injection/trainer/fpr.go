package trainer

// RecallAtFPR returns the lowest threshold on a 0.01 grid at which at
// most maxFPR of neg score at or above it, and the share of pos that do
// (0 when pos is empty).
func RecallAtFPR(pos, neg []float64, maxFPR float64) (th, recall float64) {
	for t := 1; t <= 100; t++ {
		th = float64(t) / 100
		fp := 0
		for _, v := range neg {
			if v >= th {
				fp++
			}
		}
		if float64(fp) <= maxFPR*float64(len(neg)) {
			break
		}
	}
	if len(pos) == 0 {
		return th, 0
	}
	tp := 0
	for _, v := range pos {
		if v >= th {
			tp++
		}
	}
	return th, float64(tp) / float64(len(pos))
}
