# Production image: gunicorn serves the app, WhiteNoise its static files; the same image runs the
# Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 1000 okr

COPY . .
RUN pip install . \
 && DEBUG=false SECRET_KEY=only-for-collectstatic python manage.py collectstatic --no-input

USER okr
EXPOSE 8000
CMD ["gunicorn", "okrplatform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
