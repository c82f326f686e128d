"""Reads models/accuracy.py's report (the float model first, then quantized
models) and says, for each quantized model in turn, whether it is within
its goal of the float model's accuracy: the goals are given in points, one
per quantized model. Exits 1 if any is missed.

  accuracy_goals.py REPORT GOAL [GOAL ...]
"""

import re
import sys


def main():
    lines = open(sys.argv[1]).read().splitlines()
    goals = [float(g) for g in sys.argv[2:]]
    accuracies = []
    for line in lines:
        m = re.match(r"(.*): (\d+) of (\d+) correct", line)
        if m:
            accuracies.append((m.group(1), 100.0 * int(m.group(2)) /
                               int(m.group(3))))
    if len(accuracies) != len(goals) + 1:
        sys.exit("accuracy_goals.py: %d goals for %d quantized models"
                 % (len(goals), len(accuracies) - 1))
    reference = accuracies[0][1]
    missed = False
    for (name, accuracy), goal in zip(accuracies[1:], goals):
        drop = reference - accuracy
        if drop <= goal + 1e-9:
            print("%s: within %g point of float (%.2f %% vs %.2f %%)"
                  % (name, goal, accuracy, reference))
        else:
            print("%s: %.2f points below float, goal %g"
                  % (name, drop, goal))
            missed = True
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
