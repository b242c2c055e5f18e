package gateway

import (
	"github.com/gofiber/fiber/v2"

	"github.com/imogate/imogate/gateway/dashboard"
)

// mountDashboard serves the web dashboard's embedded files at /dashboard.
// The page itself is public; everything it shows comes from the API routes,
// called with the credential the user types in.
func (s *Server) mountDashboard(r fiber.Router) { dashboard.Register(r) }
