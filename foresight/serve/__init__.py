"""``foresight serve``: a local web app over a store, and a read-only SPARQL 1.1 Protocol endpoint.

* :mod:`foresight.serve.app`: the Starlette app (:func:`~foresight.serve.app.create_app`): pages, their JSON API,
  the map's data and the security around them (loopback by default, a token for any other host, a strict content
  security policy, limits on requests and answers);
* :mod:`foresight.serve.sparql`: the endpoint at ``/sparql``, each query run in a worker process that is ended
  when the query outlives its time.

The derived data is loaded once and loaded again when the store's generation changes, so an ingest in another
process shows at the next request. Pages are static files of this package and vis-network's script from the
installed pyvis package: a page makes no request off the server, and scan text reaches a page only as JSON that
the page's script puts in as text, never as markup.
"""

from __future__ import annotations

__all__ = ["KEEP_ALIVE_SECONDS", "LOOPBACK"]

#: the hosts a server may bind to without a token
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: how long an idle connection is kept open: longer than programs' HTTP clients keep theirs (httpx: 5 s, as
#: uvicorn's default), or a request sent just as the server closes the connection is lost (the load test saw it
#: about once a run); browsers keep theirs longer but send again safely
KEEP_ALIVE_SECONDS = 75
