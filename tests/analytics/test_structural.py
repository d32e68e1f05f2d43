"""``foresight micmac`` on the real scans: the recurring forces and the concepts of a topic."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import cli


def test_micmac_of_the_recurring_forces(real_dir: Path, tmp_path: Path) -> None:
    plot = tmp_path / "plane.png"
    result = cli(real_dir, "micmac", "--top", "8", "-f", "json", "--plot", str(plot))
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    forces = json.loads(cli(real_dir, "topics", "--kind", "DrivingForce", "-n", "8", "-f", "json").stdout)
    assert {r["concept"] for r in records} == {t["label"] for t in forces}
    print("MICMAC of the real scans' forces:", [(r["concept"], r["influence"], r["dependence"], r["quadrant"])
                                               for r in records])
    for record in records:
        assert {"concept", "influence", "dependence", "indirect_influence", "indirect_dependence",
                "quadrant"} <= set(record)
        assert record["quadrant"] in ("influential", "relay", "dependent", "autonomous")
    # the direct figures are the matrix's row and column sums: both add up to the same total
    assert sum(r["influence"] for r in records) == sum(r["dependence"] for r in records) > 0
    assert [r["indirect_influence_rank"] for r in records] == sorted(r["indirect_influence_rank"] for r in records)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_micmac_of_the_system_around_a_topic_and_its_errors(real_dir: Path) -> None:
    result = cli(real_dir, "micmac", "--topic", "AI", "--top", "6", "-f", "csv")
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.strip().splitlines()
    assert header.startswith("concept,") and len(rows) == 6
    # the topic and the five topics most associated with it
    record = json.loads(cli(real_dir, "topics", "AI", "-f", "json").stdout)
    named = {row.split(",")[0].strip('"') for row in rows}
    assert named == {record["label"], *(a["label"] for a in record["associated"][:5])}
    unknown = cli(real_dir, "micmac", "--topic", "quantum gravity")
    assert unknown.exit_code == 1 and "no topic named 'quantum gravity'" in unknown.output
    assert cli(real_dir, "micmac", "--top", "1").exit_code == 1
    bad = cli(real_dir, "micmac", "--plot", "plane.gif")
    assert bad.exit_code == 1 and "plane.gif" in bad.output


def test_cross_impact_matrix_agrees_with_micmac(real_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "cross.csv"
    result = cli(real_dir, "cross-impact", "--top", "8", "-o", str(out))
    assert result.exit_code == 0, result.output
    import csv

    header, *rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    records = {r["concept"]: r for r in json.loads(cli(real_dir, "micmac", "--top", "8", "-f", "json").stdout)}
    assert header[1:] == [row[0] for row in rows] and set(header[1:]) == set(records)
    for number, row in enumerate(rows, start=1):
        assert row[number] == ""  # the diagonal
        net = sum(float(cell) for cell in row[1:] if cell)
        # the row holds influence net of mitigation: mitigation counts in influence, with its sign here
        record = records[row[0]]
        assert net == record["influence"] - 2 * record["mitigating_out"]
    cells = json.loads(cli(real_dir, "cross-impact", "--top", "8", "-f", "json").stdout)["cells"]
    assert cells and all(cell["scans"] and -3 <= cell["cib"] <= 3 for cell in cells)
    scaled = cli(real_dir, "cross-impact", "--top", "8", "--cib")
    assert {cell for line in scaled.stdout.splitlines()[1:] for cell in line.split(",")[1:]} <= \
        {"", "-3", "-2", "-1", "0", "1", "2", "3"}
    assert cli(real_dir, "cross-impact", "-f", "xml").exit_code == 1


def test_a_topic_with_few_associations_takes_the_topics_named_with_it_most(store_dir: Path) -> None:
    # ten example scans: most topics go with most others, so few associations beat chance
    associated = json.loads(cli(store_dir, "topics", "surveillance", "-f", "json").stdout)["associated"]
    result = cli(store_dir, "micmac", "--topic", "surveillance", "--top", "5")
    assert result.exit_code == 0, result.output
    assert f"and the {min(len(associated), 4)} topics most associated with it" in " ".join(result.stdout.split())
    records = json.loads(cli(store_dir, "micmac", "--topic", "surveillance", "--top", "5", "-f", "json").stdout)
    assert len(records) == 5 and "surveillance" in {r["concept"] for r in records}
