# Production image: gunicorn serves the app, WhiteNoise its static files; the same image runs the
# Celery worker, beat and the one-off migrations (see docker-compose.yml). Installs exactly the
# versions in requirements.txt (the lock file; `make lock` refreshes it).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 1000 okr

# The locked dependencies first, so that a code change reuses this layer.
COPY requirements.txt .
RUN pip install --require-hashes -r requirements.txt

COPY . .
RUN pip install --no-deps . \
 && DEBUG=false SECRET_KEY=only-for-collectstatic python manage.py collectstatic --no-input

USER okr
EXPOSE 8000
CMD ["gunicorn", "okrplatform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
