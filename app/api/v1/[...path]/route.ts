import { appError } from "@/lib/errors";
import { withPublicRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

// Any path under /api/v1 that no route handles: a 404 in the API's error shape, so a script
// with a typo reads JSON it can act on instead of the console's HTML "Page not found".
const notFound = withPublicRoute(async (req) => {
  throw appError("not_found", "request.noEndpoint", { method: req.method, path: req.nextUrl.pathname });
});

export { notFound as DELETE, notFound as GET, notFound as PATCH, notFound as POST, notFound as PUT };
