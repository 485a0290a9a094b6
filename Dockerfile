# The router worker image used by docker-compose.yml (not buildable on the CI machine,
# which has no Docker engine; kept small and in step with pyproject.toml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY router ./router
COPY streams ./streams
COPY contracts ./contracts
COPY infra ./infra
COPY cli ./cli
COPY clients ./clients
COPY sim ./sim
COPY ops ./ops
COPY demo ./demo
RUN pip install --no-cache-dir .
ENV GOVROUTE_LOG_FORMAT=json
EXPOSE 6066
CMD ["router", "worker"]
