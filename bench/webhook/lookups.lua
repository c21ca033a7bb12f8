-- wrk script for the public-lookups flood: every request a GET of a room's .ics feed or of a certificate code,
-- alternating, the way a scraper or a careless calendar client would hammer them.
local paths = {
  "/forums/east-africa.ics", "/certificates/ABCD2345", "/forums/latin-america.ics?series=1",
  "/certificates/QRST6789", "/forums/west-africa.ics",
}
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
