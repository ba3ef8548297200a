"""The call-setup decision engine: call facts + policy + law → a Decision that explains itself."""
