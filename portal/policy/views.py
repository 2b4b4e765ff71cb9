"""Public policy pages: the version in effect, any version, and the history."""

from flask import abort, render_template

from portal.policy import bp, services


@bp.get("/privacy")
def current():
    version = services.current_version()
    return render_template(
        "policy/version.html", version=version, body=services.render(version), is_current=True
    )


@bp.get("/privacy/<int:number>")
def version(number: int):
    found = services.get_version(number)
    if found is None:
        abort(404)
    current = services.current_version()
    return render_template(
        "policy/version.html",
        version=found,
        body=services.render(found),
        is_current=found.id == current.id,
    )


@bp.get("/privacy/changes")
def changes():
    return render_template("policy/changes.html", versions=services.all_versions())
