"""What ``leadflow-local run`` prints once everything is ready."""

from __future__ import annotations

from pathlib import Path

import typer

DEFAULT_BOOTSTRAP = "127.0.0.1:9092"
EXAMPLE_LEAD = '{"email":"ana@example.com","country":"US","cta":{"type":"demo_request"}}'


def show(
    *,
    ports: dict[str, int],
    bootstrap: str,
    log_dir: Path,
    pages_port: int = 0,
    admin_key_file: Path | None = None,
    smtp_server: str | None = None,
) -> None:
    capture = f"http://127.0.0.1:{ports['capture']}"
    rows = [
        ("capture", f"{capture}  (POST /v1/leads, docs {capture}/docs)"),
        *(
            (service, f"http://127.0.0.1:{port}/docs")
            for service, port in ports.items()
            if service != "capture"
        ),
        *(
            [("page", f"http://127.0.0.1:{pages_port}/landing-page.html  (the example form)")]
            if pages_port
            else []
        ),
        ("kafka", bootstrap),
        ("logs", str(log_dir)),
    ]
    tail = ".venv/bin/leadflow-local tail leads.routed.v1"
    if bootstrap != DEFAULT_BOOTSTRAP:
        tail += f" --bootstrap-servers {bootstrap}"
    lines = [
        "",
        "leadflow is running:",
        *(f"  {name:<8} {value}" for name, value in rows),
        "",
        "Send a lead:",
        f"  curl -s -X POST {capture}/v1/leads \\",
        "    -H 'Content-Type: application/json' -H 'X-Leadflow-Source: web-form' \\",
        f"    -d '{EXAMPLE_LEAD}'",
        "",
        "Watch routed leads (in another terminal):",
        f"  {tail}",
        "",
        *(
            [
                "Sources admin API (capture /v1/admin/sources), key in:",
                f"  {admin_key_file}",
                "",
            ]
            if admin_key_file is not None
            else []
        ),
        *(
            [
                "Newsletter sign-ups (source newsletter) wait for their confirmation link, mailed",
                f"through {smtp_server}; to read those mails, start an SMTP server there:",
                f"  .venv/bin/python -m aiosmtpd -n -l {smtp_server}",
                "",
            ]
            if smtp_server is not None
            else []
        ),
        "Press Ctrl-C to stop.",
    ]
    typer.echo("\n".join(lines))
