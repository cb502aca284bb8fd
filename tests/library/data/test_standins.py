"""Tests for dlbook.data.standins: the labelled stand-in tables."""

from dlbook.data import standins


def test_water_potability_stand_in_has_course_columns():
    frame = standins.water_potability(n=200, seed=1)
    for column in ("ph", "Sulfate", "Conductivity", "Organic_carbon", "Potability"):
        assert column in frame.columns
    features = frame.drop(columns="Potability")
    assert features.min().min() >= 0 and features.max().max() <= 1
    assert 0.2 < frame["Potability"].mean() < 0.8
    assert frame.equals(standins.water_potability(n=200, seed=1))


def test_salary_stand_in_shapes_and_range():
    features, target = standins.salary_data(n=64)
    assert features.shape == (64, 4) and target.shape == (64, 1)
    assert 0 <= target.min() and target.max() <= 1
