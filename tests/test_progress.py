import io

from hw5.progress import Progress, format_seconds


def test_progress_writes_whole_lines_to_a_log_and_formats_text_only_when_shown():
    log = io.StringIO()
    bar = Progress(total=100, stream=log)
    calls = []
    for done in range(1, 101):
        bar.update(done, lambda: calls.append(done) or f"step {done}")
    bar.close("done in 0:00:01")
    lines = log.getvalue().splitlines()
    assert calls == [1]                      # throttled: one redraw, the text built once
    assert lines[0].startswith("step 1 ·") and "ETA" in lines[0] and lines[-1] == "done in 0:00:01"
    assert "\r" not in log.getvalue()        # no carriage returns in a log file


def test_format_seconds():
    assert format_seconds(3725.4) == "1:02:05"
