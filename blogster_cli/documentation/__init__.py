"""Documentation trees and links: pure helpers, no database."""
