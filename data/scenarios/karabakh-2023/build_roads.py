#!/usr/bin/env python3
"""Draws roads.geojson from roads.csv, local_links.csv and places.csv in this directory.

Nothing here is surveyed: every road is a polyline through the coordinates of the places it names
(from, via..., to). Three drawing rules, each recorded on the feature as `drawn`:
  - "waypoints": straight lines between the listed places (every road of roads.csv);
  - "assumed": a local access link the scenario's compiler added (local_links.csv);
  - "derived": the Hakari bridge, the first 140 m of the new corridor road from the checkpoint
    ("the roughly 140-m Hakari bridge", roads.csv), split off so that the checkpoint has its own link.
The old Goris–Stepanakert highway shares its Goris–Kornidzor and Shushi junction–Stepanakert
sections with the roads drawn for them, so only its own section (Kornidzor – Aghavno/Zabukh –
Berdzor/Lachin – Shushi junction) is drawn under its id. The interim 2022 link via Tegh (not
geocoded) is drawn through one schematic bend 0.01 degrees west of the straight line, so that it
does not hide the Kornidzor–Hakari road on the map.

Run: python3 build_roads.py > roads.geojson   (tests check the committed file is up to date)
"""
import csv
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read(name):
    with open(os.path.join(HERE, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def display(hy, az):
    """The display rule for places and roads alike: both usages in alphabetical order, joined by
    " / "; one name where they agree (README.md)."""
    return " / ".join(sorted({hy, az}, key=str.casefold))


def main():
    rows = read("places.csv")
    places = {p["id"]: (float(p["lon"]), float(p["lat"])) for p in rows}
    usage = {p["id"]: (p["name_hy_usage"], p["name_az_usage"]) for p in rows}
    names = {r["id"]: r for r in read("road_names.csv")}
    features = []

    def add(fid, name_en, cls, coords, drawn, **props):
        if fid in names:
            hy, az, source = names[fid]["name_hy_usage"], names[fid]["name_az_usage"], names[fid]["names_source"]
        else:  # a local link: named by its ends in each usage
            a, b = props.pop("ends")
            hy, az = ("Local access " + usage[a][i] + " – " + usage[b][i] for i in (0, 1))
            source = "the ends' names in each usage (places.csv)"
        p = {"id": fid, "name": display(hy, az), "name_hy_usage": hy, "name_az_usage": az, "name_en": name_en,
             "names_source": source, "highway": cls, "drawn": drawn}
        p.update({k: v for k, v in props.items() if v not in ("", None)})
        features.append({"type": "Feature", "properties": p,
                         "geometry": {"type": "LineString", "coordinates": [list(c) for c in coords]}})

    for r in read("roads.csv"):
        stops = [r["from_place"]] + [v for v in r["via"].split(";") if v] + [r["to_place"]]
        if r["id"] == "rd_corridor_old_goris_stepanakert":
            stops = stops[1:-1]  # see the module comment
        coords = [places[s] for s in stops]
        props = dict(length_km_source=r["length_km"], source=r["source"])
        if r["id"] == "rd_interim_link_2022":
            (x0, y0), (x1, y1) = coords
            coords = [coords[0], ((x0 + x1) / 2 - 0.01, (y0 + y1) / 2), coords[1]]
            add(r["id"], r["name"], r["road_class"], coords, "schematic", **props)
            continue
        if r["id"] == "rd_corridor_new_hakari_shushijct":
            (x0, y0), (x1, y1) = coords[0], coords[1]
            metres = 6371000.0 * math.radians(1) * math.hypot((x1 - x0) * math.cos(math.radians(y0)), y1 - y0)
            f = 140.0 / metres
            end = (round(x0 + (x1 - x0) * f, 7), round(y0 + (y1 - y0) * f, 7))
            add("rd_hakari_bridge", "Hakari bridge (new corridor road, km 22)", r["road_class"], [coords[0], end],
                "derived", bridge="yes", length_km_source="0.14", source=r["source"])
            coords = [end] + coords[1:]
        add(r["id"], r["name"], r["road_class"], coords, "waypoints", **props)

    for r in read("local_links.csv"):
        add(r["id"], r["name"], r["road_class"], [places[r["from_place"]], places[r["to_place"]]], "assumed",
            note=r["note"], ends=(r["from_place"], r["to_place"]))

    json.dump({"type": "FeatureCollection",
               "note": "Drawn by build_roads.py from roads.csv, local_links.csv and places.csv; not surveyed.",
               "features": features}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
