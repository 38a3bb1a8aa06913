"""--smoke-test: what installer/build.py runs against the bundle."""

from shuanbai_desktop.cli import run


def test_smoke_test_reports_the_wizard_and_exits_0(tmp_path, capsys):
    assert run(["--db", str(tmp_path / "s.db"), "--smoke-test"]) == 0
    assert "SMOKE-TEST OK SetupWizard" in capsys.readouterr().out


def test_smoke_test_reports_the_login_once_set_up(station_db, db_path, capsys):
    station_db.close()
    assert run(["--db", str(db_path), "--smoke-test"]) == 0
    assert "SMOKE-TEST OK LoginDialog" in capsys.readouterr().out
